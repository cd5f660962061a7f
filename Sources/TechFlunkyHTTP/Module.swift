// TechFlunkyHTTP: the one HTTP client of the project, on libcurl's multi interface
// (`CurlHTTPClient`: one event thread per client, connection reuse, HTTP/2 over TLS when offered,
// TLS verification always on, decoded compression, streaming bodies, cancellation, a response-size
// cap, retries with backoff for retryable requests). Types others code against: `HTTPTransport`,
// `HTTPRequest`, `HTTPResponse`, `HTTPStreamingResponse`, `HTTPError`, and Core's `RetryPolicy` (which statuses and
// errors it retries: `RetryPolicy+HTTP.swift`).
// May import CCurl and TechFlunkyCore.
