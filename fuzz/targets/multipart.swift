// libFuzzer target: the Cloudflare stand-in's multipart/form-data parser (MultipartFormData), compiled with
// Sources/TechFlunkySandbox/Cloudflare/MultipartFormData.swift by scripts/fuzz. The first line of the input is the
// boundary; the rest is the body.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMultipart(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Data(UnsafeBufferPointer(start: data, count: size))
    let newline = input.firstIndex(of: 10) ?? input.endIndex
    let boundary = String(decoding: input[..<newline], as: UTF8.self)
    let body = newline < input.endIndex ? input[input.index(after: newline)...] : Data()
    guard let form = try? MultipartFormData(body: Data(body), contentType: "multipart/form-data; boundary=\(boundary)") else { return 0 }
    var total = 0
    for part in form.parts { total += part.body.count }
    precondition(total <= body.count, "parts hold more bytes than the body")
    // What was parsed, written out again with the same boundary, parses to the same parts.
    // (Only for a plain boundary and header values without quotes, backslashes or line breaks, which the encoder,
    // a tool for tests, does not escape.)
    func plain(_ s: String?) -> Bool { !(s ?? "").contains { $0 == "\"" || $0 == "\\" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" } }
    let plainBoundary = !boundary.isEmpty && boundary.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D }
    if plainBoundary, form.parts.allSatisfy({ plain($0.name) && plain($0.filename) && plain($0.contentType) }) {
        let again = try? MultipartFormData(body: MultipartFormData.encode(form.parts, boundary: boundary),
                                           contentType: "multipart/form-data; boundary=\(boundary)")
        precondition(again?.parts.map(\.body) == form.parts.map(\.body), "parts do not survive a round trip")
    }
    return 0
}
