// libFuzzer target: parsing the Stripe-Signature header (StripeSignature.Header), compiled with
// Sources/TechFlunkyPlatform/Stripe/StripeSignatureHeader.swift by scripts/fuzz.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStripeSignature(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let header = try? StripeSignature.Header(parsing: text) else { return 0 }
    precondition(!header.v1.isEmpty, "a parsed header without a v1 signature")
    // A signature value without commas survives being written out and read again.
    if header.v1.allSatisfy({ v in !v.unicodeScalars.contains(",") && !v.isEmpty && v.unicodeScalars.first != " " && v.unicodeScalars.first != "\t"
                                   && v.unicodeScalars.last != " " && v.unicodeScalars.last != "\t" }) {
        guard let again = try? StripeSignature.Header(parsing: header.text) else { preconditionFailure("written header does not parse") }
        precondition(again == header, "header does not survive a round trip")
    }
    return 0
}
