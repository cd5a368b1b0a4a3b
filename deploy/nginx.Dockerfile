# nginx with the RTMP module (Debian's packages), for deploy/compose.yml.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends nginx-light libnginx-mod-rtmp \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /etc/nginx/rtmp.d /var/cache/nginx
EXPOSE 80 1935
CMD ["nginx", "-g", "daemon off;"]
