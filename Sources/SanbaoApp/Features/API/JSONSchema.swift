import Foundation
import SanbaoDomain

/// A JSON Schema (2020-12, as OpenAPI 3.1 uses it) for the API's bodies.
indirect enum JSONSchema: Sendable, Equatable {
    case string(format: String? = nil)
    case integer, number, boolean
    case array(JSONSchema)
    /// Named properties; `required` lists those a body always has.
    case object([(String, JSONSchema)], required: [String])
    /// An object of any keys, each value like this (`[String: X]`).
    case map(JSONSchema)
    /// One of these strings.
    case oneOf([String])
    case ref(String)
    case nullable(JSONSchema)
    /// Any of these shapes.
    case anyOf([JSONSchema])
    /// Anything (an answer: a number, a text, yes/no or a list of choices).
    case any

    static func == (a: JSONSchema, b: JSONSchema) -> Bool { a.json == b.json }

    /// As JSON (`JSONSerialization` values).
    var json: NSDictionary {
        switch self {
        case .string(let format):
            var d: [String: Any] = ["type": "string"]
            if let format { d["format"] = format }
            return d as NSDictionary
        case .integer: return ["type": "integer"]
        case .number: return ["type": "number"]
        case .boolean: return ["type": "boolean"]
        case .array(let item): return ["type": "array", "items": item.json]
        case .object(let properties, let required):
            var d: [String: Any] = ["type": "object", "properties": NSDictionary(dictionary: Dictionary(properties.map { ($0.0, $0.1.json) }, uniquingKeysWith: { a, _ in a }))]
            if !required.isEmpty { d["required"] = required }
            return d as NSDictionary
        case .map(let value): return ["type": "object", "additionalProperties": value.json]
        case .oneOf(let values): return ["type": "string", "enum": values]
        case .ref(let name): return ["$ref": "#/components/schemas/" + name]
        case .nullable(let inner):
            if case .ref = inner { return ["anyOf": [inner.json, ["type": "null"]]] }
            let d = inner.json.mutableCopy() as! NSMutableDictionary
            if let type = d["type"] as? String { d["type"] = [type, "null"] }
            if let values = d["enum"] as? [String] { d["enum"] = values as [Any] + [NSNull()] }
            return d
        case .anyOf(let shapes): return ["anyOf": shapes.map(\.json)]
        case .any: return [:]
        }
    }
}

/// The schemas of the types the API sends and takes, worked out from the types themselves: each
/// is decoded once from a decoder that answers every question with a stand-in value and notes
/// what was asked — the keys, their types, which may be missing. So the document cannot drift
/// from a body's fields: adding a field to a DTO adds it to the document.
final class SchemaCatalogue: @unchecked Sendable {
    /// Named schemas (`components.schemas`), by name.
    private(set) var components: [String: JSONSchema] = [:]

    /// The schema of `type`: a primitive, an array, a map, or a reference to its component.
    func schema(of type: any Decodable.Type) -> JSONSchema {
        if let primitive = Self.primitive(type) { return primitive }
        if let optional = type as? any SchemaOptional.Type { return .nullable(schema(of: optional.schemaWrapped)) }
        if let array = type as? any SchemaArray.Type { return .array(schema(of: array.schemaElement)) }
        if let map = type as? any SchemaMap.Type { return .map(schema(of: map.schemaValue)) }
        if let choices = type as? any SchemaChoices.Type { return .oneOf(choices.schemaChoices) }
        if let special = type as? any SchemaDescribed.Type { return special.schema }
        let name = Self.name(of: type)
        if components[name] == nil {
            components[name] = .any   // a placeholder while it is worked out (a type that holds itself)
            let recorder = SchemaRecorder(catalogue: self)
            _ = try? type.init(from: recorder)
            components[name] = recorder.schema
        }
        return .ref(name)
    }

    static func primitive(_ type: any Decodable.Type) -> JSONSchema? {
        switch type {
        case is String.Type: .string()
        case is UUID.Type: .string(format: "uuid")
        case is Date.Type: .string(format: "date-time")
        case is Int.Type, is Int64.Type, is Int32.Type: .integer
        case is Double.Type, is Float.Type: .number
        case is Bool.Type: .boolean
        default: nil
        }
    }

    /// `SanbaoApp.VisitDTO.ResponseDTO` → `VisitDTO.ResponseDTO`; `Page<SanbaoApp.VisitRow>` → `Page_VisitRow`.
    static func name(of type: any Decodable.Type) -> String {
        String(reflecting: type).replacingOccurrences(of: "SanbaoApp.", with: "").replacingOccurrences(of: "SanbaoDomain.", with: "")
            .replacingOccurrences(of: "Swift.", with: "")
            .replacingOccurrences(of: "<", with: "_").replacingOccurrences(of: ">", with: "").replacingOccurrences(of: ", ", with: "_")
    }

    /// A stand-in value of `type` (decoded from the recorder).
    func placeholder<T: Decodable>(_ type: T.Type) throws -> T {
        if let value = Self.primitivePlaceholder(type) { return value }
        _ = schema(of: type)
        let recorder = SchemaRecorder(catalogue: self)
        recorder.choice = (type as? any SchemaChoices.Type)?.schemaChoices.first
        return try T(from: recorder)
    }

    static func primitivePlaceholder<T>(_ type: T.Type) -> T? {
        switch type {
        case is String.Type: "x" as? T
        case is UUID.Type: UUID() as? T
        case is Date.Type: Date() as? T
        case is Int.Type: 1 as? T
        case is Int64.Type: Int64(1) as? T
        case is Int32.Type: Int32(1) as? T
        case is Double.Type: 1.0 as? T
        case is Float.Type: Float(1) as? T
        case is Bool.Type: true as? T
        default: nil
        }
    }
}

/// `X?` (an element of `[X?]`): null or an X.
protocol SchemaOptional { static var schemaWrapped: any Decodable.Type { get } }
extension Optional: SchemaOptional where Wrapped: Decodable { static var schemaWrapped: any Decodable.Type { Wrapped.self } }

/// `[X]`: its element's schema.
protocol SchemaArray { static var schemaElement: any Decodable.Type { get } }
extension Array: SchemaArray where Element: Decodable { static var schemaElement: any Decodable.Type { Element.self } }

/// `[String: X]`: its value's schema.
protocol SchemaMap { static var schemaValue: any Decodable.Type { get } }
extension Dictionary: SchemaMap where Key == String, Value: Decodable { static var schemaValue: any Decodable.Type { Value.self } }

/// A closed set of string values (an enum with string raw values).
protocol SchemaChoices { static var schemaChoices: [String] { get } }
extension SchemaChoices where Self: CaseIterable & RawRepresentable, RawValue == String {
    static var schemaChoices: [String] { allCases.map(\.rawValue) }
}

/// A type that says its own schema (one decoded by hand from several shapes).
protocol SchemaDescribed { static var schema: JSONSchema { get } }

/// The decoder that answers with stand-ins and notes what a type asked for.
private final class SchemaRecorder: Decoder {
    let catalogue: SchemaCatalogue
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]
    var properties: [(String, JSONSchema)] = []
    var required: [String] = []
    var single: JSONSchema?
    /// What a closed set's stand-in is (its first value).
    var choice: String?

    init(catalogue: SchemaCatalogue) { self.catalogue = catalogue }

    var schema: JSONSchema { single ?? .object(properties, required: required) }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Keyed<Key>(recorder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { Unkeyed(recorder: self) }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(recorder: self) }

    func note(_ key: String, _ schema: JSONSchema, required isRequired: Bool) {
        guard !properties.contains(where: { $0.0 == key }) else { return }
        properties.append((key, isRequired ? schema : .nullable(schema)))
        if isRequired { required.append(key) }
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let recorder: SchemaRecorder
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { [] }
        func contains(_ key: Key) -> Bool { true }
        func decodeNil(forKey key: Key) throws -> Bool { false }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            recorder.note(key.stringValue, recorder.catalogue.schema(of: type), required: true)
            return try recorder.catalogue.placeholder(type)
        }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            recorder.note(key.stringValue, recorder.catalogue.schema(of: type), required: false)
            return try? recorder.catalogue.placeholder(type)
        }

        // The standard library answers these for primitives by asking `contains` and `decode`,
        // which would note an optional field as required.
        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try optional(type, key) }
        func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try optional(type, key) }
        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try optional(type, key) }
        func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try optional(type, key) }
        func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try optional(type, key) }
        func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try optional(type, key) }
        func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try optional(type, key) }

        private func optional<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T? {
            recorder.note(key.stringValue, recorder.catalogue.schema(of: type), required: false)
            return try recorder.catalogue.placeholder(type)
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            KeyedDecodingContainer(Keyed<NestedKey>(recorder: SchemaRecorder(catalogue: recorder.catalogue)))
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { Unkeyed(recorder: recorder) }
        func superDecoder() throws -> any Decoder { recorder }
        func superDecoder(forKey key: Key) throws -> any Decoder { recorder }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let recorder: SchemaRecorder
        var codingPath: [any CodingKey] { [] }
        var count: Int? { 0 }
        var isAtEnd: Bool { true }
        var currentIndex: Int { 0 }
        mutating func decodeNil() throws -> Bool { false }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try recorder.catalogue.placeholder(type) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            KeyedDecodingContainer(Keyed<NestedKey>(recorder: recorder))
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { self }
        mutating func superDecoder() throws -> any Decoder { recorder }
    }

    struct Single: SingleValueDecodingContainer {
        let recorder: SchemaRecorder
        var codingPath: [any CodingKey] { [] }
        func decodeNil() -> Bool { false }
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            if recorder.single == nil { recorder.single = recorder.catalogue.schema(of: type) }
            if type == String.self, let choice = recorder.choice { return choice as! T }
            return try recorder.catalogue.placeholder(type)
        }
    }
}

extension ProblemCategory: SchemaChoices {}
extension ProblemSeverity: SchemaChoices {}

extension Answer: SchemaDescribed {
    /// A number, a text, yes/no, or the keys of the choices made.
    static var schema: JSONSchema { .anyOf([.number, .string(), .boolean, .array(.string())]) }
}
