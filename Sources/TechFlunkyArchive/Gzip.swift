import CZlib
import Foundation

/// gzip through the system's zlib: `compress` for the client's upload, `GzipInflater` for the server, which takes
/// the body chunk by chunk as it arrives and stops as soon as the output would pass its limit, so a decompression
/// bomb costs at most the limit.
public enum Gzip {
    /// The gzip stream of `bytes` (one member).
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) throws(ArchiveError) -> [UInt8] {
        var stream = z_stream()
        guard tf_deflate_init_gzip(&stream, level) == Z_OK else { throw .corrupt("zlib could not start compressing") }
        defer { deflateEnd(&stream) }
        var output = [UInt8]()
        output.reserveCapacity(bytes.count / 2 + 64)
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var status: Int32 = Z_OK
        var input = bytes
        input.withUnsafeMutableBufferPointer { inputBuffer in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = uInt(inputBuffer.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    status = deflate(&stream, Z_FINISH)
                    output.append(contentsOf: out[0..<(out.count - Int(stream.avail_out))])
                }
            } while status == Z_OK || status == Z_BUF_ERROR && stream.avail_out == 0
        }
        guard status == Z_STREAM_END else { throw .corrupt("zlib could not compress (status \(status))") }
        return output
    }

    /// The bytes of a whole gzip stream, at most `limit` of them.
    public static func decompress(_ bytes: [UInt8], limit: Int) throws(ArchiveError) -> [UInt8] {
        let inflater = try GzipInflater(limit: limit)
        try inflater.append(bytes)
        return try inflater.finish()
    }
}

/// Inflates one gzip stream fed in chunks. Not thread-safe: one request's body task owns it.
public final class GzipInflater {
    public let limit: Int
    public private(set) var output: [UInt8] = []
    /// Compressed bytes taken so far.
    public private(set) var consumed = 0
    private var stream = z_stream()
    private var ended = false

    public init(limit: Int) throws(ArchiveError) {
        self.limit = limit
        guard tf_inflate_init_gzip(&stream) == Z_OK else { throw .corrupt("zlib could not start decompressing") }
    }

    deinit { inflateEnd(&stream) }

    /// Inflates `chunk`. Throws `.tooLarge` as soon as the output passes the limit, `.notGzip`/`.corrupt` on bad data.
    public func append(_ chunk: some Collection<UInt8>) throws(ArchiveError) {
        var input = Array(chunk)
        guard !input.isEmpty else { return }
        if ended {
            // Padding after the stream (some tools add zeros) is harmless; anything else is not ours to ignore.
            guard input.allSatisfy({ $0 == 0 }) else { throw .corrupt("there is data after the end of the gzip stream") }
            return
        }
        if consumed == 0, input.count >= 2, input[0] != 0x1F || input[1] != 0x8B {
            throw .notGzip
        }
        consumed += input.count
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var failure: ArchiveError?
        input.withUnsafeMutableBufferPointer { inputBuffer in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = uInt(inputBuffer.count)
            while stream.avail_in > 0 && failure == nil && !ended {
                buffer.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    let produced = out.count - Int(stream.avail_out)
                    if output.count + produced > limit {
                        failure = .tooLarge(limit: limit)
                        return
                    }
                    output.append(contentsOf: out[0..<produced])
                    switch status {
                    case Z_OK: break
                    case Z_STREAM_END:
                        ended = true
                        let rest = Int(stream.avail_in)
                        if rest > 0, !UnsafeBufferPointer(start: stream.next_in, count: rest).allSatisfy({ $0 == 0 }) {
                            failure = .corrupt("there is data after the end of the gzip stream")
                        }
                    case Z_BUF_ERROR where produced > 0: break
                    case Z_DATA_ERROR:
                        failure = consumed <= 10 ? .notGzip : .corrupt(stream.msg.map { String(cString: $0) } ?? "the compressed data is damaged")
                    default:
                        failure = .corrupt(stream.msg.map { String(cString: $0) } ?? "zlib status \(status)")
                    }
                }
            }
        }
        if let failure { throw failure }
    }

    /// The whole output; throws when the stream stopped before its end.
    public func finish() throws(ArchiveError) -> [UInt8] {
        guard ended else { throw consumed == 0 ? .notGzip : .truncated }
        return output
    }
}
