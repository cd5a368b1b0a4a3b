"""`/ws/site/`: its consumer, routes, channel layer and the events pushed to it."""
