/// Where the phone was when a visit was recorded, against the enterprise's registered place: a
/// reviewer's clue, never a gate (no one is made to check in). Passive, from data the visit
/// already carries.
public struct VisitWhereabouts: Sendable, Equatable {
    /// Metres from the enterprise's registered place.
    public var metres: Int64
    /// Beyond a kilometre, and beyond what the phone's own accuracy explains: worth a question.
    public var isFar: Bool

    public static let farMetres = 1_000.0

    public init?(lat: Double?, lon: Double?, accuracyM: Double?, enterpriseLat: Double?, enterpriseLon: Double?) {
        guard let lat, let lon, let enterpriseLat, let enterpriseLon else { return nil }
        metres = GreatCircle.metres(lat1: lat, lon1: lon, lat2: enterpriseLat, lon2: enterpriseLon)
        isFar = Double(metres) > max(Self.farMetres, accuracyM ?? 0)
    }
}
