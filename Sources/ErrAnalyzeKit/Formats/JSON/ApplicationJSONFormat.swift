extension JSONPresets {
    /// Application logs (pino, zap, structlog, Rails lograge, ECS, OpenTelemetry-style
    /// flattened keys…) with a status and, for errors, an error code. Lines without a status
    /// (the application's other messages) are skipped. The base of `--json-fields`.
    public static var application: JSONFieldMap {
        var m = JSONFieldMap(requiresPath: false)
        m.add(.time, "time", "timestamp", "ts", "@timestamp", "datetime", "date", "time_iso8601", "time_local", "msec",
              "start_time", "startTime", "StartUTC", "logged_at", "eventTime", "t")
        m.add(.status, "status", "status_code", "statusCode", "http_status", "httpStatus", "response_code", "responseCode",
              "http.status_code", "http.response.status_code", "http.status", "response.status", "response.status_code",
              "response.statusCode", "res.statusCode", "res.status", "resp.status", "httpRequest.status", "attributes.http.status_code")
        m.add(.method, "method", "http_method", "httpMethod", "request_method", "requestMethod", "verb", "http.method",
              "http.request.method", "request.method", "req.method", "httpRequest.requestMethod")
        m.add(.path, "path", "request_path", "requestPath", "request_uri", "requestUri", "uri", "url", "http.target",
              "http.url", "http.path", "url.path", "url.original", "request.path", "request.uri", "request.url",
              "req.url", "req.path", "httpRequest.requestUrl")
        m.add(.request, "request")
        m.add(.code, "error.code", "error_code", "errorCode", "err.code", "code", "x_error_code", "sent_http_x_error_code",
              "upstream_http_x_error_code", "error.type_code", "response.error.code", "res.headers.x-error-code",
              "response.headers.x-error-code", "resp_headers.X-Error-Code")
        m.add(.duration, "duration_ms", "durationMs", "elapsed_ms", "latency_ms", "response_time_ms", "took_ms",
              "responseTime", "response_time", "response.duration_ms", "res.duration_ms", unit: .milliseconds)
        m.add(.duration, "duration_us", "duration_ns", "request_time", "upstream_response_time", "duration", "latency",
              "elapsed", "took", "http.duration", "httpRequest.latency")
        m.add(.client, "client_id", "clientId", "api_key_id", "apiKeyId", "api_client", "consumer_id", "account_id", "client")
        m.add(.clientAddress, "client_ip", "clientIp", "remote_addr", "remote_ip", "remoteAddr", "remoteAddress", "ip",
              "req.remoteAddress", "http.client_ip", "client.ip", "client.address", "network.client.ip", "httpRequest.remoteIp")
        m.add(.idempotencyKey, "idempotency_key", "idempotencyKey", "http_idempotency_key", "headers.idempotency-key",
              "request.headers.idempotency-key", "request.headers.idempotency_key", "headers.idempotency_key",
              "req.headers.idempotency-key", "request_headers.idempotency-key",
              "http.request.header.idempotency-key")
        m.add(.retryAfter, "retry_after", "retryAfter", "sent_http_retry_after", "headers.retry-after",
              "res.headers.retry-after", "response.headers.retry-after", "response.retry_after", "response.retryAfter",
              "response.headers.retry_after", "resp_headers.Retry-After",
              "response_headers.retry-after", "http.response.header.retry-after")
        return m
    }
}
