// libFuzzer target: the server-sent events parser (SSEParser), compiled with TechFlunkyCore's sources by
// scripts/fuzz. The first byte of the input says how the rest is cut into chunks; the frames must not depend on it.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSSE(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let input = UnsafeBufferPointer(start: data, count: size)
    let step = Int(input[0] % 17) + 1
    let stream = Array(input.dropFirst())

    var whole = SSEParser(maxLineBytes: 512)
    let expected = whole.feed(stream)

    var chunked = SSEParser(maxLineBytes: 512)
    var frames: [SSEFrame] = []
    var i = 0
    while i < stream.count {
        frames += chunked.feed(stream[i..<min(i + step, stream.count)])
        i += step
    }
    precondition(frames == expected, "frames depend on how the stream is cut")
    precondition(chunked.lastEventId == whole.lastEventId, "lastEventId depends on how the stream is cut")
    for frame in expected {
        precondition(!(frame.id ?? "").contains("\0"), "an id with NUL must be ignored")
        precondition(frame.data.unicodeScalars.count <= stream.count, "frame larger than the stream")
    }
    return 0
}
