import Foundation
import TechFlunkyCore

/// `techflunky-bench watch PORT PATH TOKEN COUNT [PLATFORM_PID]`: opens COUNT SSE connections to PATH on
/// 127.0.0.1:PORT and reads them all with one poll() loop until every stream ends, stamping each `id:` line with
/// the wall-clock time it arrived. Prints one JSON object: per watcher its first frame's time and each seq's
/// arrival (seconds since 1970), and the first watcher's raw text (where the events' own `at` times are); the
/// step-event latency (arrival minus the event's `at`) of the events recorded after every watcher had connected,
/// as p50/p99 in ms; and, given the platform's pid, the CPU time (user + system) the platform spent from then
/// to the end, per event.
///
/// It exists because a Python reader spent about 30 µs a socket per event, which with 200 watchers added
/// milliseconds to the figure being measured; here it is a few microseconds.
func watchEvents(port: UInt16, path: String, token: String, count: Int, platformPid: Int32? = nil) throws {
    let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(token)\r\nAccept: text/event-stream\r\n\r\n".utf8)
    var fds: [Int32] = []
    for _ in 0..<count {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, rc == 0 else { throw POSIXError(.ECONNREFUSED) }
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        fds.append(fd)
    }
    func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
    var carry = [[UInt8]](repeating: [], count: count)
    var first = [Double?](repeating: nil, count: count)
    var arrivals = [[Int: Double]](repeating: [:], count: count)
    var raw0: [UInt8] = []
    var open = Set(0..<count)
    var pollSet = fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
    var buffer = [UInt8](repeating: 0, count: 65536)
    let deadline = now() + 300
    // The platform's CPU time when the last watcher got its first frame (every stream connected).
    var connectedAt: Double?
    var cpuAtConnected: Double?
    var firstCount = 0
    while !open.isEmpty, now() < deadline {
        guard poll(&pollSet, nfds_t(pollSet.count), 1000) > 0 else { continue }
        for i in 0..<count where pollSet[i].revents != 0 && open.contains(i) {
            let n = recv(fds[i], &buffer, buffer.count, 0)
            let stamp = now()
            if n <= 0 {
                if n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) { open.remove(i); pollSet[i].fd = -1 }
                continue
            }
            let chunk = buffer[0..<n]
            if i == 0 { raw0 += chunk }
            var data = carry[i] + chunk
            // Lines; the last, unfinished one is carried to the next read.
            var start = data.startIndex
            while let newline = data[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = data[start..<newline]
                if line.starts(with: Array("id: ".utf8)), let seq = Int(String(decoding: line.dropFirst(4), as: UTF8.self).trimmingCharacters(in: .whitespaces)) {
                    if first[i] == nil {
                        first[i] = stamp
                        firstCount += 1
                        if firstCount == count { connectedAt = stamp; cpuAtConnected = platformPid.flatMap(cpuSeconds) }
                    }
                    arrivals[i][seq] = stamp
                }
                start = newline + 1
            }
            data.removeSubrange(..<start)
            carry[i] = data
            // The chunked body's last chunk: the stream has ended.
            if chunk.count >= 5, Array(chunk.suffix(5)) == Array("0\r\n\r\n".utf8) { open.remove(i); pollSet[i].fd = -1 }
        }
    }
    let cpuAtEnd = platformPid.flatMap(cpuSeconds)
    for fd in fds { close(fd) }
    // Each event's own time, from the first watcher's text: "id: N" … "data: {…"at":"…"…}".
    var at: [Int: Double] = [:]
    var currentId: Int?
    // Split as bytes: the chunked body puts "\r\n" before each frame, and as Characters "\r\n" is one, not a line end.
    for bytes in raw0.split(separator: UInt8(ascii: "\n")) {
        let line = String(decoding: bytes, as: UTF8.self)
        if line.hasPrefix("id: ") { currentId = Int(line.dropFirst(4).trimmingCharacters(in: .whitespaces)) }
        if line.hasPrefix("data: "), let id = currentId,
           let object = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any],
           let text = object["at"] as? String, let date = WireJSON.parseDate(text) {
            at[id] = date.timeIntervalSince1970
        }
    }
    var latencies: [Double] = []
    if let connectedAt {
        for arrivalsOfOne in arrivals {
            for (seq, arrived) in arrivalsOfOne { if let recorded = at[seq], recorded > connectedAt { latencies.append((arrived - recorded) * 1000) } }
        }
    }
    let liveEvents = connectedAt.map { connected in at.values.filter { $0 > connected }.count } ?? 0
    var summary: [String: Any] = ["deliveries": latencies.count, "live_events": liveEvents]
    if !latencies.isEmpty {
        summary["p50_ms"] = percentile(latencies, 50)
        summary["p99_ms"] = percentile(latencies, 99)
    }
    if let start = cpuAtConnected, let end = cpuAtEnd, liveEvents > 0 {
        summary["platform_cpu_ms_per_event"] = (end - start) * 1000 / Double(liveEvents)
    }
    let watchers: [[String: Any]] = (0..<count).map { i in
        ["first": first[i] ?? 0, "arrivals": Dictionary(uniqueKeysWithValues: arrivals[i].map { (String($0.key), $0.value) })]
    }
    emit(["watchers": watchers, "raw0": String(decoding: raw0, as: UTF8.self), "unfinished": open.count, "summary": summary])
}

/// User + system CPU seconds of a process so far (/proc/PID/stat fields 14 and 15, in clock ticks).
func cpuSeconds(_ pid: Int32) -> Double? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return nil }
    // Fields after the command name (which may hold spaces), starting at field 3.
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}
