/// An option of a `<select>` or a set of radio buttons, as pages hand it to their templates.
struct Choice: Codable, Sendable {
    var value, label: String
}
