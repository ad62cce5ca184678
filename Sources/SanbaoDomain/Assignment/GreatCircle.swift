import Foundation

/// Distances on the Earth for travel costs: haversine on a sphere of the mean radius, rounded
/// to whole metres (the solver's costs are integers, which keeps it exact).
public enum GreatCircle {
    static let earthRadius = 6_371_008.8

    public static func metres(lat1: Double, lon1: Double, lat2: Double, lon2: Double) -> Int64 {
        let rad = Double.pi / 180
        let dLat = (lat2 - lat1) * rad, dLon = (lon2 - lon1) * rad
        let a = sin(dLat / 2) * sin(dLat / 2) + cos(lat1 * rad) * cos(lat2 * rad) * sin(dLon / 2) * sin(dLon / 2)
        return Int64((2 * earthRadius * asin(min(1, a.squareRoot()))).rounded())
    }
}
