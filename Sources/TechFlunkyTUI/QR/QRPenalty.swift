// The penalty score of ISO/IEC 18004 §7.8.3 (table 11) by which the encoder picks the mask:
// lower is easier to read. The four rules, with their weights N1 = 3, N2 = 3, N3 = 40, N4 = 10:
//  1. each run of five or more same-coloured modules in a row or column: N1 + (length − 5);
//  2. each 2×2 block of one colour (blocks may overlap): N2;
//  3. each 1:1:3:1:1 finder-like sequence with four light modules on one side, in a row or column: N3
//     (outside the symbol counts as light, as the quiet zone is);
//  4. N4 for every full 5 % the share of dark modules deviates from 50 %.
enum QRPenalty {
    static let n1 = 3, n2 = 3, n3 = 40, n4 = 10

    /// The total score of a square matrix, modules row-major (`true` = dark).
    static func score(_ modules: [Bool], size: Int) -> Int {
        sameColourRuns(modules, size: size) + blocks(modules, size: size)
            + finderLikePatterns(modules, size: size) + darkBalance(modules, size: size)
    }

    /// Rule 1.
    static func sameColourRuns(_ modules: [Bool], size: Int) -> Int {
        var total = 0
        for line in lines(modules, size: size) {
            var runColour = line[0]
            var runLength = 0
            for module in line {
                if module == runColour {
                    runLength += 1
                } else {
                    if runLength >= 5 { total += n1 + runLength - 5 }
                    runColour = module
                    runLength = 1
                }
            }
            if runLength >= 5 { total += n1 + runLength - 5 }
        }
        return total
    }

    /// Rule 2.
    static func blocks(_ modules: [Bool], size: Int) -> Int {
        var total = 0
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let c = modules[y * size + x]
                if modules[y * size + x + 1] == c && modules[(y + 1) * size + x] == c
                    && modules[(y + 1) * size + x + 1] == c {
                    total += n2
                }
            }
        }
        return total
    }

    /// Rule 3.
    static func finderLikePatterns(_ modules: [Bool], size: Int) -> Int {
        let core: [Bool] = [true, false, true, true, true, false, true]
        let light = [Bool](repeating: false, count: 4)
        let lightBefore = light + core, lightAfter = core + light
        var total = 0
        for line in lines(modules, size: size) {
            let padded = light + line + light
            for start in 0...(padded.count - 11) {
                let window = padded[start..<(start + 11)]
                if window.elementsEqual(lightBefore) { total += n3 }
                if window.elementsEqual(lightAfter) { total += n3 }
            }
        }
        return total
    }

    /// Rule 4: k = the number of whole 5 % steps between the dark share and 50 %.
    static func darkBalance(_ modules: [Bool], size: Int) -> Int {
        let dark = modules.lazy.filter { $0 }.count
        let total = size * size
        // |dark/total − 1/2| in units of 5 %, rounded down: |20·dark − 10·total| / total.
        let k = abs(dark * 20 - total * 10) / total
        return k * n4
    }

    /// Every row, then every column.
    private static func lines(_ modules: [Bool], size: Int) -> [[Bool]] {
        var result: [[Bool]] = []
        result.reserveCapacity(size * 2)
        for y in 0..<size { result.append(Array(modules[(y * size)..<(y * size + size)])) }
        for x in 0..<size { result.append((0..<size).map { modules[$0 * size + x] }) }
        return result
    }
}
