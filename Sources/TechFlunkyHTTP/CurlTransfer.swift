import CCurl
import Foundation

/// One request on its way through libcurl: the easy handle, what has been received so far, and
/// where to deliver the outcome.
///
/// `@unchecked Sendable` is safe because of how the object is shared: it is built on the calling
/// task, then handed to `CurlMultiLoop`, and from then on every mutable field except `cancelFlag`
/// is read and written only on the loop's thread (libcurl calls the write and header callbacks on
/// the thread that drives the multi handle, and completion runs there too). `cancelFlag` is the
/// only field touched from other threads, and it is guarded by its own lock.
final class CurlTransfer: @unchecked Sendable {
    enum Delivery {
        /// `send`: the whole body at the end.
        case buffered(CheckedContinuation<HTTPResponse, Error>)
        /// `stream`: status and headers as soon as they are complete, then chunks as they arrive.
        case streaming(head: CheckedContinuation<(Int, HTTPHeaders), Error>?,
                       body: AsyncThrowingStream<Data, Error>.Continuation)
    }

    let id: Int
    let request: HTTPRequest
    let timeouts: HTTPTimeouts
    /// Bytes of body accepted before the transfer is aborted; nil for no cap (event streams).
    let maxResponseBytes: Int?
    let insecureTLS: Bool
    let caBundlePath: String?

    // Loop-thread state.
    var delivery: Delivery?
    var easy: UnsafeMutableRawPointer?
    var headerList: UnsafeMutablePointer<curl_slist>?
    let errorBuffer: UnsafeMutablePointer<CChar>
    var status = 0
    var headers = HTTPHeaders()
    var body = Data()
    var receivedBytes = 0
    var headDelivered = false
    var exceededSizeCap = false

    private let cancelLock = NSLock()
    private var cancelled = false

    init(id: Int, request: HTTPRequest, timeouts: HTTPTimeouts, maxResponseBytes: Int?, insecureTLS: Bool, caBundlePath: String? = nil) {
        self.id = id
        self.request = request
        self.timeouts = timeouts
        self.maxResponseBytes = maxResponseBytes
        self.insecureTLS = insecureTLS
        self.caBundlePath = caBundlePath
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        errorBuffer.deallocate()
    }

    /// Set from any thread when the caller gives up; the loop checks it before starting the transfer.
    var isCancelled: Bool {
        get { cancelLock.withLock { cancelled } }
        set { cancelLock.withLock { cancelled = newValue } }
    }

    // MARK: Callbacks (loop thread)

    /// A header line as libcurl gives it, CRLF included. A status line starts a new block (after a
    /// 1xx or a proxy CONNECT), so headers are reset there; the blank line ends a block.
    func receiveHeaderLine(_ raw: UnsafeRawBufferPointer) {
        // Trim CR/LF on bytes: Swift treats "\r\n" as one Character, so hasSuffix("\n") misses it.
        var end = raw.count
        while end > 0, raw[end - 1] == 0x0A || raw[end - 1] == 0x0D { end -= 1 }
        let line = String(decoding: UnsafeRawBufferPointer(rebasing: raw[0..<end]), as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            let parts = line.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            if !headDelivered { headers = HTTPHeaders() }
            return
        }
        if line.isEmpty {
            if status >= 200 { deliverHead() }
            return
        }
        guard !headDelivered, let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces)
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        headers.add(name, value)
    }

    /// Returns false to make libcurl abort the transfer (the size cap was passed).
    func receiveBody(_ chunk: UnsafeRawBufferPointer) -> Bool {
        receivedBytes += chunk.count
        if let cap = maxResponseBytes, receivedBytes > cap {
            exceededSizeCap = true
            return false
        }
        switch delivery {
        case .buffered:
            body.append(contentsOf: chunk)
        case .streaming(_, let continuation):
            deliverHead()
            continuation.yield(Data(chunk))
        case nil:
            return false
        }
        return true
    }

    private func deliverHead() {
        guard !headDelivered else { return }
        headDelivered = true
        if case let .streaming(head?, body) = delivery {
            head.resume(returning: (status, headers))
            delivery = .streaming(head: nil, body: body)
        }
    }

    // MARK: Completion (loop thread)

    /// Delivers the outcome exactly once; later calls do nothing.
    func finish(_ error: HTTPError?) {
        guard let delivery else { return }
        self.delivery = nil
        switch delivery {
        case let .buffered(continuation):
            if let error {
                continuation.resume(throwing: error)
            } else {
                continuation.resume(returning: HTTPResponse(status: status, headers: headers, body: body))
            }
        case let .streaming(head, body):
            if let head {
                if let error {
                    head.resume(throwing: error)
                } else {
                    head.resume(returning: (status, headers))
                }
            }
            if let error { body.finish(throwing: error) } else { body.finish() }
        }
    }

    /// Maps libcurl's result to the project's error, or nil on success.
    func error(for code: CURLcode) -> HTTPError? {
        if code == CURLE_OK { return nil }
        let url = request.url
        let detail: String = {
            let buffered = String(cString: errorBuffer)
            return buffered.isEmpty ? String(cString: curl_easy_strerror(code)) : buffered
        }()
        if exceededSizeCap || code == CURLE_FILESIZE_EXCEEDED {
            return .responseTooLarge(url: url, limit: maxResponseBytes ?? 0)
        }
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .cannotConnect(url: url, detail: detail)
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut(url: url)
        case CURLE_URL_MALFORMAT:
            return .invalidURL(url)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ENGINE_NOTFOUND:
            return .tls(url: url, detail: detail)
        default:
            // Includes CURLE_UNSUPPORTED_PROTOCOL, which for an http(s) URL (the only kind configured)
            // means the server answered with something that is not HTTP ("Received HTTP/0.9").
            return .transport(url: url, code: Int(code.rawValue), detail: detail)
        }
    }
}
