/// The JSON formats erranalyze knows, as field maps. Paths follow each product's
/// documented field names; see docs/formats.md for the list and for how to log error codes.
public enum JSONPresets {
    /// nginx with a JSON `log_format … escape=json`: the keys people name after the
    /// variables they log (`"status":"$status"`, `"request":"$request"`…).
    public static var nginx: JSONFieldMap {
        var m = JSONFieldMap(requiresPath: true)
        m.add(.time, "time_iso8601", "time_local", "msec", "time", "timestamp", "@timestamp")
        m.add(.status, "status")
        m.add(.request, "request")
        m.add(.method, "request_method", "method")
        m.add(.path, "request_uri", "uri")
        m.add(.duration, "request_time", "upstream_response_time", unit: .seconds)
        m.add(.clientAddress, "remote_addr", "realip_remote_addr")
        m.add(.code, "sent_http_x_error_code", "upstream_http_x_error_code", "x_error_code", "error_code")
        m.add(.idempotencyKey, "http_idempotency_key", "idempotency_key")
        m.add(.retryAfter, "sent_http_retry_after", "upstream_http_retry_after", "retry_after")
        return m
    }

    /// Caddy's access log (`http.log.access`): request fields nested under `request`,
    /// headers as arrays, `ts` and `duration` in seconds.
    public static var caddy: JSONFieldMap {
        var m = JSONFieldMap(requiresPath: true)
        m.add(.time, "ts")
        m.add(.status, "status")
        m.add(.method, "request.method")
        m.add(.path, "request.uri")
        m.add(.duration, "duration", unit: .seconds)
        m.add(.clientAddress, "request.client_ip", "request.remote_ip", "request.remote_addr")
        m.add(.code, "resp_headers.X-Error-Code")
        m.add(.idempotencyKey, "request.headers.Idempotency-Key")
        m.add(.retryAfter, "resp_headers.Retry-After")
        return m
    }

    /// Traefik's JSON access log: `DownstreamStatus`, `Duration` in ns, headers kept as
    /// `request_<Name>`, `downstream_<Name>` and `origin_<Name>`.
    public static var traefik: JSONFieldMap {
        var m = JSONFieldMap(requiresPath: true)
        m.add(.time, "StartUTC", "StartLocal", "time")
        m.add(.status, "DownstreamStatus", "OriginStatus")
        m.add(.method, "RequestMethod")
        m.add(.path, "RequestPath")
        m.add(.duration, "Duration", unit: .nanoseconds)
        m.add(.clientAddress, "ClientHost", "ClientAddr")
        m.add(.client, "ClientUsername")
        m.add(.code, "downstream_X-Error-Code", "origin_X-Error-Code")
        m.add(.idempotencyKey, "request_Idempotency-Key")
        m.add(.retryAfter, "downstream_Retry-After", "origin_Retry-After")
        return m
    }

    /// Envoy (and Istio) `json_format` access logs with the conventional key names:
    /// `response_code`, `start_time`, `duration` in ms; error code from an
    /// `"x_error_code": "%RESP(X-ERROR-CODE)%"` key.
    public static var envoy: JSONFieldMap {
        var m = JSONFieldMap(requiresPath: true)
        m.add(.time, "start_time", "timestamp")
        m.add(.status, "response_code")
        m.add(.method, "method", "request_method")
        m.add(.path, "path", "x_envoy_original_path")
        m.add(.duration, "duration", unit: .milliseconds)
        m.add(.clientAddress, "downstream_remote_address", "downstream_direct_remote_address")
        m.add(.code, "x_error_code", "error_code", "resp_x_error_code")
        m.add(.idempotencyKey, "idempotency_key", "req_idempotency_key")
        m.add(.retryAfter, "retry_after", "resp_retry_after")
        return m
    }

    /// Google Cloud HTTP(S) load balancer (and Cloud Run / App Engine request) entries as
    /// exported from Cloud Logging: the `httpRequest` object, `latency` like `"0.012s"`.
    /// Entries without `httpRequest` are skipped.
    public static var gcp: JSONFieldMap {
        var m = JSONFieldMap(requiresPath: true)
        m.add(.time, "timestamp", "receiveTimestamp")
        m.add(.status, "httpRequest.status")
        m.add(.method, "httpRequest.requestMethod")
        m.add(.path, "httpRequest.requestUrl")
        m.add(.duration, "httpRequest.latency", unit: .seconds)
        m.add(.clientAddress, "httpRequest.remoteIp")
        m.add(.code, "jsonPayload.error_code", "jsonPayload.errorCode", "jsonPayload.error.code", "labels.error_code")
        m.add(.idempotencyKey, "jsonPayload.idempotency_key", "labels.idempotency_key")
        m.add(.retryAfter, "jsonPayload.retry_after", "labels.retry_after")
        return m
    }

    /// Cloudflare Logpush / Logpull `http_requests`: `EdgeResponseStatus`,
    /// `EdgeStartTimestamp` (ns, s or RFC 3339), headers from custom-field
    /// `RequestHeaders` / `ResponseHeaders` objects.
    public static var cloudflare: JSONFieldMap {
        var m = JSONFieldMap(requiresPath: true)
        m.add(.time, "EdgeStartTimestamp", "EdgeEndTimestamp")
        m.add(.status, "EdgeResponseStatus")
        m.add(.method, "ClientRequestMethod")
        m.add(.path, "ClientRequestURI", "ClientRequestPath")
        m.add(.duration, "EdgeTimeToFirstByteMs", "OriginResponseDurationMs", unit: .milliseconds)
        m.add(.clientAddress, "ClientIP")
        m.add(.code, "ResponseHeaders.x-error-code", "OriginResponseHeaders.x-error-code")
        m.add(.idempotencyKey, "RequestHeaders.idempotency-key")
        m.add(.retryAfter, "ResponseHeaders.retry-after")
        return m
    }

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
              "responseTime", "response_time", unit: .milliseconds)
        m.add(.duration, "duration_us", "duration_ns", "request_time", "upstream_response_time", "duration", "latency",
              "elapsed", "took", "http.duration", "httpRequest.latency")
        m.add(.client, "client_id", "clientId", "api_key_id", "apiKeyId", "api_client", "consumer_id", "account_id", "client")
        m.add(.clientAddress, "client_ip", "clientIp", "remote_addr", "remote_ip", "remoteAddr", "remoteAddress", "ip",
              "req.remoteAddress", "http.client_ip", "client.ip", "client.address", "network.client.ip", "httpRequest.remoteIp")
        m.add(.idempotencyKey, "idempotency_key", "idempotencyKey", "http_idempotency_key", "headers.idempotency-key",
              "request.headers.idempotency-key", "req.headers.idempotency-key", "request_headers.idempotency-key",
              "http.request.header.idempotency-key")
        m.add(.retryAfter, "retry_after", "retryAfter", "sent_http_retry_after", "headers.retry-after",
              "res.headers.retry-after", "response.headers.retry-after", "resp_headers.Retry-After",
              "response_headers.retry-after", "http.response.header.retry-after")
        return m
    }
}
