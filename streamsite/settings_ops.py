"""Settings of operations (the broker, graceful shutdown), imported by streamsite.settings."""

from streamsite.env import env_float, env_str

# Dramatiq's broker: amqp://user:pass@host:5672/vhost (RabbitMQ) or redis://… Unset: REDIS_URL's
# Redis; neither: the embedded in-memory broker consumed inside the serving process.
BROKER_URL = env_str("BROKER_URL") or env_str("REDIS_URL")
# On SIGTERM a web node answers /readyz 503 "draining" this long, still serving everything
# else, so the balancer stops sending it new work before it stops (Kubernetes: keep it below
# terminationGracePeriodSeconds minus the time requests take to finish).
SHUTDOWN_GRACE_S = env_float("SHUTDOWN_GRACE_S", 10.0)
# A worker on SIGTERM takes no new job and finishes the ones it runs for at most this long;
# a job still running then is handed back (not acknowledged) and another worker redoes it.
WORKER_SHUTDOWN_TIMEOUT_S = env_float("WORKER_SHUTDOWN_TIMEOUT_S", 20.0)
