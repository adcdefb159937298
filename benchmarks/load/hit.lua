-- One token for every request: the introspection cache is warm.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.headers["X-OE-CLIENT-CERT"] = os.getenv("CERT_HEADER")
