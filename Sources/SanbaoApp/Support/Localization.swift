import Foundation
import Leaf
import LeafKit
import Vapor

public enum AppLocale: String, Sendable, CaseIterable {
    case zhHans = "zh-Hans"
    case en

    /// Accepts "en", "zh", "zh-CN", "zh-Hans".
    init?(tag: String) {
        let t = tag.lowercased()
        if t.hasPrefix("en") { self = .en } else if t.hasPrefix("zh") { self = .zhHans } else { return nil }
    }
}

/// One string table per locale, loaded from `Resources/Locales/<locale>.json`. Every
/// user-facing sentence lives there; code refers to sentences by key.
struct Localizer: Sendable {
    let tables: [AppLocale: [String: String]]

    static func load(from directory: String) throws -> Localizer {
        var tables: [AppLocale: [String: String]] = [:]
        for locale in AppLocale.allCases {
            let url = URL(fileURLWithPath: directory).appendingPathComponent("\(locale.rawValue).json")
            let data = try Data(contentsOf: url)
            tables[locale] = try JSONDecoder().decode([String: String].self, from: data)
        }
        return Localizer(tables: tables)
    }

    /// The sentence for `key` with `{0}`, `{1}`… filled in. A missing key shows itself, and a
    /// test keeps the tables complete.
    func text(_ key: String, _ locale: AppLocale, _ params: [String] = []) -> String {
        var s = tables[locale]?[key] ?? tables[.zhHans]?[key] ?? key
        for (i, p) in params.enumerated() {
            s = s.replacingOccurrences(of: "{\(i)}", with: p)
        }
        return s
    }
}

extension Request {
    private struct LocaleKey: StorageKey { typealias Value = AppLocale }

    var locale: AppLocale {
        get { storage[LocaleKey.self] ?? application.config.defaultLocale }
        set { storage[LocaleKey.self] = newValue }
    }

    func t(_ key: String, _ params: String...) -> String {
        application.localizer.text(key, locale, params)
    }
}

/// `?lang=en` switches and remembers the choice in a cookie; otherwise the cookie, otherwise
/// the configured default (Simplified Chinese). The browser's Accept-Language is not used:
/// cadres on borrowed or English-set machines should still get the campaign's language.
struct LocaleMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        var remember: AppLocale?
        if let asked = req.query[String.self, at: "lang"].flatMap({ AppLocale(tag: $0) }) {
            req.locale = asked
            remember = asked
        } else if let text = req.cookies["lang"]?.string, let saved = AppLocale(rawValue: text) {
            req.locale = saved
        } else if APIRoute.contains(req.url.path), let wanted = Self.acceptLanguage(req.headers.first(name: .acceptLanguage)) {
            // API clients say their language in the header. Pages keep the configured default
            // (Chinese first) until the user switches: a browser's header often says "en-US"
            // on a machine a cadre did not set up.
            req.locale = wanted
        }
        let response = try await next.respond(to: req)
        if let remember {
            response.cookies["lang"] = HTTPCookies.Value(string: remember.rawValue, maxAge: 365 * 24 * 3600, path: "/",
                                                         isHTTPOnly: true, sameSite: .lax)
        }
        return response
    }
}

extension LocaleMiddleware {
    /// The first language of `Accept-Language` ("en-US,en;q=0.9,zh;q=0.8") that Sanbao speaks,
    /// by the weights the client gave.
    static func acceptLanguage(_ header: String?) -> AppLocale? {
        guard let header else { return nil }
        let ranked = header.split(separator: ",").enumerated().compactMap { i, part -> (Double, Int, String)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first, !tag.isEmpty else { return nil }
            let q = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return (q, i, tag)
        }.filter { $0.0 > 0 }.sorted { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
        return ranked.lazy.compactMap { AppLocale(tag: $0.2) }.first
    }
}

/// `#t("key", a, b)` in templates: the sentence in the request's language, HTML-escaped.
struct TranslateTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let key = ctx.parameters.first?.string else { throw LeafError(.unknownError("#t needs a key")) }
        guard let req = ctx.request else { return .string(key) }
        let params = ctx.parameters.dropFirst().map { $0.string ?? "" }
        return .string(req.application.localizer.text(key, req.locale, Array(params)))
    }
}
