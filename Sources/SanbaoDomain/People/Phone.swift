/// Phone numbers as cadres' lists write them: mobiles with or without +86, spaces or dashes,
/// and landlines with an area code. Stored normalised, shown masked.
public enum Phone {
    public static func normalise(_ text: String) -> String? {
        var digits = text.filter { !" -()（）".contains($0) }
        if digits.hasPrefix("+86") { digits.removeFirst(3) } else if digits.hasPrefix("0086") { digits.removeFirst(4) }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if digits.count == 11, digits.hasPrefix("1"), let second = digits.dropFirst().first, ("3"..."9").contains(second) {
            return digits
        }
        // Landline: 0 + 2–3 digit area code + 7–8 digit number, 10 to 12 digits in all.
        if digits.hasPrefix("0"), (10...12).contains(digits.count) {
            return digits
        }
        return nil
    }

    /// "13812345678" → "138****5678": enough to recognise, not enough to call.
    public static func mask(_ normalised: String) -> String {
        guard normalised.count > 7 else { return String(repeating: "*", count: normalised.count) }
        return String(normalised.prefix(3)) + String(repeating: "*", count: normalised.count - 7) + String(normalised.suffix(4))
    }
}
