import Foundation

/// Decodes JSON and, when keys are missing, finds every missing key instead of only the first.
///
/// `JSONDecoder` stops at the first missing key, so a seller fixing a manifest would meet the missing keys one upload
/// at a time. On `keyNotFound` the key is filled with a stand-in value of the first shape the decoder accepts (a
/// string, a number, true/false, a list, an object) and decoding is tried again; keys missing inside a stand-in are not
/// reported (they are part of the missing one). The stand-ins are never used: when a key was missing, the result is
/// the errors, not a value.
enum MissingKeyDecoding {
    /// Enough rounds for every key of a real manifest to be missing; a bound so hostile input cannot loop.
    static let maxRounds = 400
    /// Bytes decoded in all rounds at most: a large document (the server decodes uploads) gets fewer rounds, so
    /// reporting its missing keys costs no more than decoding a few megabytes.
    static let byteBudget = 16 << 20

    enum Outcome<T> {
        case success(T)
        /// Every missing key and at most one other error (the first that is not about a missing key).
        case failure([DecodingError])
    }

    /// The value, or every missing key and at most one other error.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data, decoder: JSONDecoder) -> Outcome<T> {
        let first: DecodingError
        do {
            return .success(try decoder.decode(T.self, from: data))
        } catch let error as DecodingError {
            first = error
        } catch {
            return .failure([DecodingError.dataCorrupted(DecodingError.Context(codingPath: [], debugDescription: "\(error)", underlyingError: error))])
        }
        guard case .keyNotFound = first, var root = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            return .failure([first])
        }
        let standIns: [Any] = ["", 0, false, [Any](), [String: Any]()]
        var missing: [DecodingError] = []
        var standInPaths: [[PathStep]: Int] = [:]  // path → index of the stand-in being tried
        var error = first
        let rounds = max(1, min(maxRounds, byteBudget / max(data.count, 1)))
        for _ in 0..<rounds {
            let path: [PathStep]
            let next: Int
            switch error {
            case let .keyNotFound(key, context):
                path = PathStep.path(context.codingPath + [key])
                if !standInPaths.keys.contains(where: { path.starts(with: $0) }) { missing.append(error) }
                next = 0
            case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
                let at = PathStep.path(context.codingPath)
                // A stand-in of the wrong shape (or one a custom decoder refuses): try the next shape.
                guard let tried = standInPaths.first(where: { at.starts(with: $0.key) }), tried.value + 1 < standIns.count else {
                    return .failure(missing + (standInPaths.keys.contains(where: { at.starts(with: $0) }) ? [] : [error]))
                }
                path = tried.key
                next = tried.value + 1
            @unknown default:
                return .failure(missing + [error])
            }
            guard PathStep.set(standIns[next], at: path, in: &root) else { return .failure(missing.isEmpty ? [error] : missing) }
            standInPaths[path] = next
            do {
                let patched = try JSONSerialization.data(withJSONObject: root, options: [.fragmentsAllowed])
                _ = try decoder.decode(T.self, from: patched)
                return .failure(missing)
            } catch let again as DecodingError {
                error = again
            } catch {
                return .failure(missing)
            }
        }
        return .failure(missing)
    }

    /// One step of a coding path: a key of an object or an index into a list.
    enum PathStep: Hashable {
        case key(String)
        case index(Int)

        static func path(_ codingPath: [any CodingKey]) -> [PathStep] {
            codingPath.map { key in key.intValue.map(PathStep.index) ?? .key(key.stringValue) }
        }

        /// Sets `value` at `path` inside parsed JSON; false when the path does not lead through objects and lists.
        static func set(_ value: Any, at path: [PathStep], in node: inout Any) -> Bool {
            guard let step = path.first else {
                node = value
                return true
            }
            let rest = Array(path.dropFirst())
            switch step {
            case let .key(name):
                guard var object = node as? [String: Any] else { return false }
                var child: Any = object[name] ?? NSNull()
                guard set(value, at: rest, in: &child) else { return false }
                object[name] = child
                node = object
            case let .index(i):
                guard var list = node as? [Any], list.indices.contains(i) else { return false }
                var child = list[i]
                guard set(value, at: rest, in: &child) else { return false }
                list[i] = child
                node = list
            }
            return true
        }
    }
}
