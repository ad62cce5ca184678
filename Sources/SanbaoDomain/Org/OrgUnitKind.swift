/// The kinds of union unit in the federation's tree (DOMAIN.md §1). The raw value is the
/// English key used in files and the API; `chineseName` is what users read and may type.
public enum OrgUnitKind: String, Sendable, CaseIterable, Codable {
    case cityFederation = "city_federation"
    case county
    case district
    case industryUnion = "industry_union"
    case bureau
    case company
    case directlyAffiliated = "directly_affiliated"
    case town
    case street
    case community
    case enterpriseUnion = "enterprise_union"

    public var chineseName: String {
        switch self {
        case .cityFederation: "市总工会"
        case .county: "县工会"
        case .district: "区工会"
        case .industryUnion: "产业工会"
        case .bureau: "局工会"
        case .company: "公司工会"
        case .directlyAffiliated: "直属单位工会"
        case .town: "乡镇工会"
        case .street: "街道工会"
        case .community: "社区工会"
        case .enterpriseUnion: "企业工会"
        }
    }

    /// Accepts the English key (any case, spaces or hyphens for underscores) or the Chinese name.
    public init?(parsing text: String) {
        let key = text.trimmingCharacters(in: .whitespaces).lowercased()
            .replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
        if let kind = OrgUnitKind(rawValue: key) {
            self = kind
        } else if let kind = OrgUnitKind.allCases.first(where: { $0.chineseName == text.trimmingCharacters(in: .whitespaces) }) {
            self = kind
        } else {
            return nil
        }
    }

    /// Territorial units cover enterprises by division code; sectoral ones by industry.
    public var jurisdiction: JurisdictionKind {
        switch self {
        case .cityFederation, .county, .district, .town, .street, .community: .territorial
        case .industryUnion, .bureau, .company, .directlyAffiliated: .sectoral
        case .enterpriseUnion: .enterprise
        }
    }
}

public enum JurisdictionKind: String, Sendable, Codable {
    case territorial, sectoral, enterprise
}
