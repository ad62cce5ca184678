import Testing
@testable import SanbaoDomain

@Suite struct ProblemMoveTests {
    let reporting = ProblemSide(reporting: true, responsible: false, aboveResponsible: true)
    let responsibleUnit = ProblemSide(reporting: false, responsible: true, aboveResponsible: false)
    let above = ProblemSide(reporting: true, responsible: true, aboveResponsible: true)

    func state(_ s: ProblemStatus, ext: String? = nil, referred: Bool = false) -> ProblemState {
        ProblemState(status: s, extensionState: ext, referred: referred)
    }

    @Test func eachSideIsOfferedItsOwnStepsInEachStatus() {
        #expect(ProblemMove.open(to: reporting, in: state(.reported)) == [.dispatch, .merge])
        #expect(ProblemMove.open(to: responsibleUnit, in: state(.dispatched)) == [.accept, .giveBack])
        #expect(ProblemMove.open(to: responsibleUnit, in: state(.accepted)) == [.note, .refer, .resolve, .requestExtension])
        #expect(ProblemMove.open(to: reporting, in: state(.resolved)) == [.callback])
        #expect(ProblemMove.open(to: responsibleUnit, in: state(.closed)).isEmpty)
    }

    @Test func extensionsAreRequestedOnceAndDecidedAbove() {
        #expect(!ProblemMove.open(to: responsibleUnit, in: state(.inProgress, ext: "approved")).contains(.requestExtension))
        #expect(ProblemMove.requestExtension.refusal(in: state(.inProgress, ext: "refused")) == "extended_once")
        #expect(ProblemMove.requestExtension.refusal(in: state(.dispatched)) == "not_now")
        #expect(!ProblemMove.decideExtension.isOnSide(responsibleUnit), "not the unit that asked")
        #expect(ProblemMove.open(to: above, in: state(.inProgress, ext: "requested")).contains(.decideExtension))
        #expect(ProblemMove.decideExtension.refusal(in: state(.inProgress)) == "no_request")
    }

    @Test func aReferralIsAnsweredOnlyAfterOne() {
        #expect(!ProblemMove.open(to: responsibleUnit, in: state(.inProgress)).contains(.referralAnswered))
        #expect(ProblemMove.open(to: responsibleUnit, in: state(.inProgress, referred: true)).contains(.referralAnswered))
    }
}
