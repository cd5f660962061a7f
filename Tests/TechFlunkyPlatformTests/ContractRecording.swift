import Foundation
import TechFlunkyHTTP

/// The contract check's recorder for the transports in these tests that stand in for Stripe or Cloudflare
/// without a server (`RecordingTransport`, `ScriptedTransport`, `CloudflareFakeAccount`): what our clients
/// send through them is held to the vendors' OpenAPI documents like what they send to the sandbox (whose
/// server records itself, `TechFlunkySandbox.ContractLog`). Lines carry `"source": "fake:<name>"`.
///
/// On only when `TECHFLUNKY_CONTRACT_LOG=<dir>` is set (as `make test` does); appends to
/// `<dir>/exchanges-<pid>-fakes.jsonl`.
enum ContractRecording {
    private static let file: (fd: Int32, lock: NSLock)? = {
        guard let dir = ProcessInfo.processInfo.environment["TECHFLUNKY_CONTRACT_LOG"], !dir.isEmpty else { return nil }
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let fd = open((dir as NSString).appendingPathComponent("exchanges-\(getpid())-fakes.jsonl"), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        return fd >= 0 ? (fd, NSLock()) : nil
    }()

    /// Records one exchange whose URL has a Stripe (`/v1/…`) or Cloudflare (`/client/v4/…`) path; other URLs
    /// (a deployed Worker's smoke endpoint) are not vendor calls and are skipped.
    static func record(fake: String, _ request: HTTPRequest, _ response: HTTPResponse?) {
        guard let file, let components = URLComponents(string: request.url) else { return }
        let path = components.percentEncodedPath
        let service: String
        if path.contains("/client/v4") {
            service = "cloudflare"
        } else if path.hasPrefix("/v1/") {
            service = "stripe"
        } else {
            return
        }
        var entry: [String: Any] = [
            "service": service,
            "source": "fake:\(fake)",
            "pid": Int(getpid()),
            "time": Date().timeIntervalSince1970,
            "method": request.method.rawValue,
            "path": path,
            "query": components.percentEncodedQuery ?? "",
            "request": fields(request.body ?? Data(), request.headers["Content-Type"]),
            "user_agent": request.headers["User-Agent"] ?? "",
            "stripe_version": request.headers["Stripe-Version"] ?? "",
            // The scheme only: credentials are never recorded.
            "auth": request.headers["Authorization"].flatMap { $0.split(separator: " ").first.map(String.init) } ?? "",
        ]
        if let response {
            entry["status"] = response.status
            entry["response"] = fields(response.body, response.headers["Content-Type"])
        }
        guard var line = try? JSONSerialization.data(withJSONObject: entry, options: [.sortedKeys]) else { return }
        line.append(0x0A)
        file.lock.withLock {
            line.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = write(file.fd, raw.baseAddress! + offset, raw.count - offset)
                    if n <= 0 { if errno == EINTR { continue }; return }
                    offset += n
                }
            }
        }
    }

    private static func fields(_ data: Data, _ contentType: String?) -> [String: Any] {
        var fields: [String: Any] = ["content_type": contentType ?? "", "length": data.count]
        if let text = String(data: data, encoding: .utf8) { fields["body"] = text } else { fields["body_base64"] = data.base64EncodedString() }
        return fields
    }
}
