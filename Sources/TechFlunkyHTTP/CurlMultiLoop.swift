import CCurl
import Foundation

/// The one thread that drives a libcurl multi handle. Every transfer of a `CurlHTTPClient` runs
/// here, so connections (and HTTP/2 streams) are shared and reused between requests, and libcurl's
/// callbacks always run on this thread.
///
/// `@unchecked Sendable` is safe because the fields are split by owner: `commands`, `stopping` and
/// `multiAlive` are guarded by `lock` and are the only state other threads touch (they enqueue work
/// and call `curl_multi_wakeup`, which libcurl documents as callable from any thread while the
/// multi handle lives — `multiAlive` guarantees that). `multi` and `active` belong to the loop
/// thread alone.
final class CurlMultiLoop: @unchecked Sendable {
    private enum Command {
        case start(CurlTransfer)
        case cancel(CurlTransfer)
    }

    private let lock = NSLock()
    private var commands: [Command] = []
    private var stopping = false
    private var multiAlive = true

    private let multi: UnsafeMutableRawPointer
    /// Transfers attached to `multi`, by easy-handle address.
    private var active: [UInt: CurlTransfer] = [:]
    /// New connections libcurl opened (as opposed to reused), for diagnostics and benchmarks.
    let connectionsOpened = LockedValue(0)
    /// Completed responses by HTTP version (`1.1`, `2`), for diagnostics and benchmarks.
    let responsesByVersion = LockedValue<[String: Int]>([:])

    private static let globalInit: Void = {
        curl_global_init(tf_curl_global_all())
    }()

    init() {
        _ = Self.globalInit
        multi = curl_multi_init()
        // Several requests to one HTTP/2 server share one connection.
        _ = tf_curl_multi_setopt_long(multi, CURLMOPT_PIPELINING, tf_curlpipe_multiplex())
        let thread = Thread { [self] in self.run() }
        thread.name = "techflunky-curl"
        thread.start()
    }

    /// Queues a transfer; its delivery is resumed on the loop thread when it ends.
    func start(_ transfer: CurlTransfer) {
        enqueue(.start(transfer)) { transfer.finish(.cancelled) }
    }

    /// Aborts a transfer at once (if it is still running) and delivers `HTTPError.cancelled`.
    func cancel(_ transfer: CurlTransfer) {
        transfer.isCancelled = true
        enqueue(.cancel(transfer)) {}
    }

    /// Stops the thread; transfers still running end with `HTTPError.cancelled`.
    func shutdown() {
        lock.withLock {
            stopping = true
            if multiAlive { _ = curl_multi_wakeup(multi) }
        }
    }

    private func enqueue(_ command: Command, ifStopped: () -> Void) {
        let accepted: Bool = lock.withLock {
            guard !stopping else { return false }
            commands.append(command)
            _ = curl_multi_wakeup(multi)
            return true
        }
        if !accepted { ifStopped() }
    }

    // MARK: Loop thread

    private func run() {
        var running: Int32 = 0
        while true {
            let (pending, stop) = lock.withLock { () -> ([Command], Bool) in
                defer { commands.removeAll() }
                return (commands, stopping)
            }
            for command in pending {
                switch command {
                case let .start(transfer): attach(transfer)
                case let .cancel(transfer):
                    // Only a transfer that is running here: one not started yet may still be handing over
                    // its delivery on the caller's thread, and `attach` sees its cancel flag anyway.
                    if let easy = transfer.easy, active[UInt(bitPattern: easy)] === transfer {
                        detach(transfer, error: .cancelled)
                    }
                }
            }
            if stop { break }
            _ = curl_multi_perform(multi, &running)
            collectFinished()
            var ready: Int32 = 0
            _ = curl_multi_poll(multi, nil, 0, 1000, &ready)
        }
        for transfer in Array(active.values) { detach(transfer, error: .cancelled) }
        lock.withLock {
            multiAlive = false
            // Anything queued after the last drain.
            for command in commands {
                if case let .start(transfer) = command { transfer.finish(.cancelled) }
            }
            commands.removeAll()
        }
        curl_multi_cleanup(multi)
    }

    private func collectFinished() {
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi, &left) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let result = message.pointee.data.result
            guard let transfer = active[UInt(bitPattern: easy)] else { continue }
            var opened = 0
            if tf_curl_easy_getinfo_long(easy, CURLINFO_NUM_CONNECTS, &opened) == CURLE_OK, opened > 0 {
                connectionsOpened.withValue { $0 += opened }
            }
            var version = 0
            if result == CURLE_OK, tf_curl_easy_getinfo_long(easy, CURLINFO_HTTP_VERSION, &version) == CURLE_OK, version != 0 {
                let name = version == Int(CURL_HTTP_VERSION_2_0) ? "2" : version == Int(CURL_HTTP_VERSION_3) ? "3"
                    : version == Int(CURL_HTTP_VERSION_1_0) ? "1.0" : "1.1"
                responsesByVersion.withValue { $0[name, default: 0] += 1 }
            }
            detach(transfer, error: transfer.error(for: result))
        }
    }

    private func attach(_ transfer: CurlTransfer) {
        if transfer.isCancelled {
            transfer.finish(.cancelled)
            return
        }
        guard let easy = curl_easy_init() else {
            transfer.finish(.transport(url: transfer.request.url, code: -1, detail: "curl_easy_init failed"))
            return
        }
        transfer.easy = easy
        if let problem = configure(easy, for: transfer) {
            release(transfer)
            transfer.finish(problem)
            return
        }
        active[UInt(bitPattern: easy)] = transfer
        let added = curl_multi_add_handle(multi, easy)
        if added != CURLM_OK {
            active[UInt(bitPattern: easy)] = nil
            release(transfer)
            transfer.finish(.transport(url: transfer.request.url, code: Int(added.rawValue),
                                       detail: String(cString: curl_multi_strerror(added))))
        }
    }

    /// Takes a running transfer off the multi handle and delivers its outcome (at most once).
    private func detach(_ transfer: CurlTransfer, error: HTTPError?) {
        if let easy = transfer.easy, active.removeValue(forKey: UInt(bitPattern: easy)) != nil {
            _ = curl_multi_remove_handle(multi, easy)
        }
        release(transfer)
        transfer.finish(error)
    }

    private func release(_ transfer: CurlTransfer) {
        if let easy = transfer.easy {
            curl_easy_cleanup(easy)
            transfer.easy = nil
        }
        if let list = transfer.headerList {
            curl_slist_free_all(list)
            transfer.headerList = nil
        }
    }

    /// Sets every option of one transfer; returns an error when the request cannot be expressed.
    private func configure(_ easy: UnsafeMutableRawPointer, for transfer: CurlTransfer) -> HTTPError? {
        let request = transfer.request
        let url = request.url
        guard url.lowercased().hasPrefix("http://") || url.lowercased().hasPrefix("https://") else {
            return .invalidURL(url)
        }
        var failure: CURLcode = CURLE_OK
        func check(_ code: CURLcode) { if code != CURLE_OK && failure == CURLE_OK { failure = code } }

        check(tf_curl_easy_setopt_string(easy, CURLOPT_URL, url))
        check(tf_curl_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"))
        check(tf_curl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        check(tf_curl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, transfer.errorBuffer))
        // HTTP/2 when the server offers it over TLS (ALPN); HTTP/1.1 on cleartext.
        check(tf_curl_easy_setopt_long(easy, CURLOPT_HTTP_VERSION, tf_curl_http_version_2tls()))
        // Every encoding this libcurl was built with (gzip, deflate, br, zstd); bodies arrive decoded.
        check(tf_curl_easy_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, ""))
        check(tf_curl_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1))

        // TLS verification stays on; the only way off is an explicit opt-out, honoured for loopback hosts only.
        let insecure = transfer.insecureTLS && Self.isLoopback(url)
        check(tf_curl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, insecure ? 0 : 1))
        check(tf_curl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, insecure ? 0 : 2))
        // A private CA replaces the system's store (libcurl copies the path).
        if let caBundle = transfer.caBundlePath { check(tf_curl_easy_setopt_string(easy, CURLOPT_CAINFO, caBundle)) }

        let timeouts = transfer.timeouts
        check(tf_curl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Int(timeouts.connect * 1000)))
        if let total = timeouts.total {
            check(tf_curl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, max(1, Int(total * 1000))))
        }
        if let lowSpeedTime = timeouts.lowSpeedTime {
            check(tf_curl_easy_setopt_long(easy, CURLOPT_LOW_SPEED_LIMIT, max(1, timeouts.lowSpeedBytes)))
            check(tf_curl_easy_setopt_long(easy, CURLOPT_LOW_SPEED_TIME, max(1, Int(lowSpeedTime.rounded(.up)))))
        }
        if let cap = transfer.maxResponseBytes {
            // Refuses at once when Content-Length already says too much; the write callback catches the rest.
            check(tf_curl_easy_setopt_off(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(cap)))
        }

        switch request.method {
        case .GET: check(tf_curl_easy_setopt_long(easy, CURLOPT_HTTPGET, 1))
        case .HEAD: check(tf_curl_easy_setopt_long(easy, CURLOPT_NOBODY, 1))
        case .POST: check(tf_curl_easy_setopt_long(easy, CURLOPT_POST, 1))
        case .PUT, .PATCH, .DELETE: check(tf_curl_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, request.method.rawValue))
        }
        let sendsBody = request.method != .GET && request.method != .HEAD
        if sendsBody {
            let body = request.body ?? Data()
            check(tf_curl_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            // COPYPOSTFIELDS copies the bytes, so the Data need not outlive this call; the size set
            // first makes it binary-safe.
            if body.isEmpty {
                check(tf_curl_easy_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, ""))
            } else {
                body.withUnsafeBytes { raw in
                    check(tf_curl_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress!)))
                }
            }
        }

        var list: UnsafeMutablePointer<curl_slist>?
        for field in request.headers {
            // A header value with a line break would let input smuggle a header of its own.
            if field.name.contains(where: { $0 == "\r" || $0 == "\n" || $0 == ":" }) || field.value.contains(where: { $0 == "\r" || $0 == "\n" }) {
                if let list { curl_slist_free_all(list) }
                return .transport(url: url, code: Int(CURLE_BAD_FUNCTION_ARGUMENT.rawValue),
                                  detail: "header \(field.name) contains a line break")
            }
            list = curl_slist_append(list, "\(field.name): \(field.value)")
        }
        if sendsBody, request.headers["Expect"] == nil {
            // No "Expect: 100-continue" round trip before larger bodies.
            list = curl_slist_append(list, "Expect:")
        }
        transfer.headerList = list
        if let list { check(tf_curl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list)) }

        let context = Unmanaged.passUnretained(transfer).toOpaque()
        check(tf_curl_easy_setopt_write_function(easy, curlWriteCallback))
        check(tf_curl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context))
        check(tf_curl_easy_setopt_header_function(easy, curlHeaderCallback))
        check(tf_curl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, context))

        if failure != CURLE_OK {
            return .transport(url: url, code: Int(failure.rawValue), detail: String(cString: curl_easy_strerror(failure)))
        }
        return nil
    }

    /// Whether a URL's host is this machine (the only place TLS verification may be switched off).
    static func isLoopback(_ url: String) -> Bool {
        guard var host = URLComponents(string: url)?.host?.lowercased() else { return false }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host == "::1" { return true }
        // An IPv4 literal in 127.0.0.0/8 — not merely a name starting with "127." (127.0.0.1.example.com).
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCII) && UInt8($0) != nil }) else {
            return false
        }
        return octets[0] == "127"
    }
}

// libcurl's callbacks. The context pointer is the `CurlTransfer`, passed unretained: the loop's
// `active` table keeps it alive for as long as its easy handle is attached.

private func curlWriteCallback(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    let chunk = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : length)
    return transfer.receiveBody(chunk) ? length : 0
}

private func curlHeaderCallback(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : length))
    return length
}
