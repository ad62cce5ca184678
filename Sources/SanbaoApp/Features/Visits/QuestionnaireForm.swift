import Foundation
import SanbaoDomain

/// A questionnaire as a phone form: every choice a tap (radio buttons and check boxes drawn as
/// large buttons), numbers with a numeric keypad, show-if conditions as data attributes that
/// `visit.js` applies. Built here rather than in a template because the shape follows the
/// questionnaire, not the page. `prefix` keeps the names of several worker forms apart.
enum QuestionnaireForm {
    /// - Parameter lead: markup put first inside the form (the worker picker), its names under `prefix` too.
    static func html(_ q: Questionnaire, prefix: String, english: Bool, answers: [String: Answer] = [:], lead: String = "") -> String {
        var out = #"<div class="questionnaire" data-questionnaire="\#(esc(q.key))" data-version="\#(q.version)" data-prefix="\#(esc(prefix))">"# + lead
        for section in q.sections {
            out += #"<fieldset class="q-section"><legend>\#(esc(text(section.title, english)))</legend>"#
            for question in section.questions { out += html(question, prefix: prefix, english: english, answer: answers[question.key]) }
            out += "</fieldset>"
        }
        return out + "</div>"
    }

    static func html(_ q: Questionnaire.Question, prefix: String, english: Bool, answer: Answer?) -> String {
        let name = esc(prefix + "." + q.key)
        var attributes = #"class="q" data-key="\#(esc(q.key))" data-kind="\#(q.kind.rawValue)""#
        if q.required { attributes += #" data-required="1""# }
        if let c = q.showIf { attributes += #" data-show-q="\#(esc(c.question))" data-show-any="\#(esc(c.anyOf.joined(separator: ",")))""# }
        var out = "<div \(attributes)><p class=\"q-title\">\(esc(text(q.title, english)))"
        if q.required { out += #" <span class="req" aria-hidden="true">*</span>"# }
        out += "</p>"
        if let help = q.help { out += #"<p class="q-help muted small">\#(esc(text(help, english)))</p>"# }
        let chosen = Set(answer.map(values) ?? [])
        func choice(_ type: String, _ value: String, _ label: String) -> String {
            let checked = chosen.contains(value) ? " checked" : ""
            return #"<label class="choice"><input type="\#(type)" name="\#(name)" value="\#(esc(value))"\#(checked)><span>\#(esc(label))</span></label>"#
        }
        switch q.kind {
        case .single:
            out += #"<div class="choices">"# + q.options.map { choice("radio", $0.key, text($0.title, english)) }.joined() + "</div>"
        case .multiple:
            out += #"<div class="choices">"# + q.options.map { choice("checkbox", $0.key, text($0.title, english)) }.joined() + "</div>"
        case .yesNo:
            out += #"<div class="choices two">"# + choice("radio", "yes", english ? "Yes" : "是") + choice("radio", "no", english ? "No" : "否") + "</div>"
        case .scale:
            out += #"<div class="choices scale">"# + (1...5).map { choice("radio", "\($0)", "\($0)") }.joined() + "</div>"
        case .number, .money:
            let value = chosen.first.map { #" value="\#(esc($0))""# } ?? ""
            let bounds = (q.min.map { #" min="\#(format($0))""# } ?? "") + (q.max.map { #" max="\#(format($0))""# } ?? "")
            out += #"<div class="number"><input type="number" inputmode="decimal" step="any" name="\#(name)"\#(bounds)\#(value)>"#
            if let unit = q.unit { out += #"<span class="unit">\#(esc(unit))</span>"# }
            out += "</div>"
        case .text:
            out += #"<textarea name="\#(name)" rows="2" maxlength="2000">\#(esc(chosen.first ?? ""))</textarea>"#
        case .date:
            out += #"<input type="date" name="\#(name)" value="\#(esc(chosen.first ?? ""))">"#
        }
        return out + #"<p class="q-error" role="alert" hidden></p></div>"#
    }

    /// An answer as the form's field values.
    static func values(_ answer: Answer) -> [String] {
        switch answer {
        case .text(let t): [t]
        case .number(let n): [format(n)]
        case .choices(let keys): keys
        case .yes(let b): [b ? "yes" : "no"]
        }
    }

    static func format(_ n: Double) -> String { n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n) }

    static func text(_ t: Questionnaire.Text, _ english: Bool) -> String { english ? t.en : t.zh }

    static func esc(_ s: String) -> String { Markup.escape(s) }

    /// Who a worker questionnaire is about: nobody named, a worker of the enterprise's registry,
    /// or a new worker entered here (name and ID number; phone and post if given), who becomes
    /// a registry worker with the visit. Names start with `@` so they never meet a question key.
    struct RegistryWorker: Decodable {
        var id: UUID
        var name, job, id_masked: String
    }

    static func workerPicker(prefix: String, workers: [RegistryWorker], selected: UUID?, label: (String) -> String) -> String {
        let name = { (field: String) in esc(prefix + ".@" + field) }
        var out = #"<div class="who"><label class="q-title">\#(esc(label("visits.worker_who")))<select class="worker-pick" name="\#(name("worker"))">"#
        out += #"<option value="">\#(esc(label("visits.worker_unnamed")))</option><option value="new">\#(esc(label("visits.worker_new")))</option>"#
        if !workers.isEmpty {
            out += #"<optgroup label="\#(esc(label("visits.worker_registered")))">"#
            for w in workers {
                let chosen = w.id == selected ? " selected" : ""
                let text = [w.name, w.job, w.id_masked].filter { !$0.isEmpty }.joined(separator: " · ")
                out += #"<option value="\#(w.id.uuidString)"\#(chosen)>\#(esc(text))</option>"#
            }
            out += "</optgroup>"
        }
        out += #"</select></label><div class="new-worker" hidden>"#
        for (field, attributes) in [("name", #"maxlength="50" autocomplete="off""#),
                                    ("id_number", #"inputmode="numeric" maxlength="18" autocomplete="off" spellcheck="false""#),
                                    ("phone", #"type="tel" inputmode="tel" maxlength="20" autocomplete="off""#),
                                    ("job", #"maxlength="50""#)] {
            out += #"<div class="who-field" data-key="new_worker.\#(field)"><label>\#(esc(label("visits.worker_" + field)))"#
            out += #"<input name="\#(name(field))" \#(attributes)></label><p class="q-error" role="alert" hidden></p></div>"#
        }
        return out + "</div></div>"
    }
}
