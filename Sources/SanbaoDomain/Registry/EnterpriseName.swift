/// Names as lists spell them differently: full-width brackets, "有限责任公司" against "有限公司",
/// a city prefix or none. `key` folds those differences away so near-identical names meet.
/// Both keys work on scalars, not characters: an import computes them a million times.
public enum EnterpriseName {
    static let suffixes = ["股份有限公司", "有限责任公司", "有限公司", "股份公司", "集团公司", "公司", "股份", "集团", "厂"].map(scalars)
    static let regions = ["安徽省", "安徽", "合肥市", "合肥"].map(scalars)
    static let nameMarks = Set(" ()[]{}【】〔〕《》<>·.,、-_\"'“”".unicodeScalars)
    static let addressMarks = nameMarks.union(["#"])

    /// Addresses compared the same way: width, spacing, punctuation and the city prefix folded.
    public static func addressKey(_ address: String) -> String {
        var s = fold(address, dropping: addressMarks)
        for r in regions where s.starts(with: r) { s.removeFirst(r.count) }
        return String(String.UnicodeScalarView(s))
    }

    public static func key(_ name: String) -> String {
        var s = fold(name, dropping: nameMarks)
        var changed = true
        while changed {
            changed = false
            for r in regions where s.count > r.count + 1 && s.starts(with: r) {
                s.removeFirst(r.count)
                changed = true
            }
            for x in suffixes where s.count > x.count + 1 && s.suffix(x.count).elementsEqual(x) {
                s.removeLast(x.count)
                changed = true
            }
        }
        return String(String.UnicodeScalarView(s))
    }

    /// Full-width ASCII to ASCII, ideographic spaces and `marks` dropped, lower case.
    static func fold(_ text: String, dropping marks: Set<Unicode.Scalar>) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.utf8.count / 2)
        for u in text.unicodeScalars {
            var v = u.value
            if (0xFF01...0xFF5E).contains(v) { v -= 0xFEE0 }
            if v == 0x3000 { continue }
            if (0x41...0x5A).contains(v) { v += 0x20 }
            let scalar = Unicode.Scalar(v)!
            if marks.contains(scalar) { continue }
            if v >= 0x80 && scalar.properties.changesWhenLowercased {
                out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return out
    }

    private static func scalars(_ text: String) -> [Unicode.Scalar] { Array(text.unicodeScalars) }
}
