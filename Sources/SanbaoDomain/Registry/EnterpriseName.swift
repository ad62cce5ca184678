/// Names as lists spell them differently: full-width brackets, "有限责任公司" against "有限公司",
/// a city prefix or none. `key` folds those differences away so near-identical names meet.
public enum EnterpriseName {
    static let suffixes = ["股份有限公司", "有限责任公司", "有限公司", "股份公司", "集团公司", "公司", "股份", "集团", "厂"]
    static let regions = ["安徽省", "安徽", "合肥市", "合肥"]

    /// Addresses compared the same way: width, spacing, punctuation and the city prefix folded.
    public static func addressKey(_ address: String) -> String {
        var s = fold(address)
        s.removeAll { " ()[]{}【】〔〕《》<>·.,、-_\"'“”#".contains($0) }
        for r in ["安徽省", "合肥市", "安徽", "合肥"] where s.hasPrefix(r) { s.removeFirst(r.count) }
        return s
    }

    static func fold(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.compactMap { u -> Unicode.Scalar? in
            var v = u.value
            if (0xFF01...0xFF5E).contains(v) { v -= 0xFEE0 }
            if v == 0x3000 { return nil }
            return Unicode.Scalar(v)
        })).lowercased()
    }

    public static func key(_ name: String) -> String {
        var s = fold(name)
        s.removeAll { " ()[]{}【】〔〕《》<>·.,、-_\"'“”".contains($0) }
        var changed = true
        while changed {
            changed = false
            for r in regions where s.hasPrefix(r) && s.count > r.count + 1 {
                s.removeFirst(r.count)
                changed = true
            }
            for x in suffixes where s.hasSuffix(x) && s.count > x.count + 1 {
                s.removeLast(x.count)
                changed = true
            }
        }
        return s
    }
}
