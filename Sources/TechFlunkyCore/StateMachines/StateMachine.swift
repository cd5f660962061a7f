import Foundation

/// A state of one of the domain's state machines (orders, deployments, deployment steps). Each state
/// knows which states may follow it; `transition(to:)` enforces that.
public protocol StateMachineState: RawRepresentable, CaseIterable, Hashable, Sendable where RawValue == String {
    /// What the machine is about, for messages: "order", "deployment", "deployment step".
    static var machineName: String { get }
    /// The states that may directly follow this one.
    var allowedNextStates: Set<Self> { get }
}

extension StateMachineState {
    public func canTransition(to next: Self) -> Bool { allowedNextStates.contains(next) }

    /// `next` when the move is allowed; otherwise an `IllegalStateTransition` naming both states.
    /// Staying in the same state is not a move and is rejected too: callers that see a repeat
    /// (a duplicate webhook) should recognise it before asking.
    public func transition(to next: Self) throws(IllegalStateTransition) -> Self {
        guard canTransition(to: next) else {
            throw IllegalStateTransition(machine: Self.machineName, from: rawValue, to: next.rawValue)
        }
        return next
    }

    /// States nothing may follow.
    public var isTerminal: Bool { allowedNextStates.isEmpty }
}

/// A move a state machine does not allow, e.g. an order from `released` to `paid`.
public struct IllegalStateTransition: Error, Sendable, Hashable, CustomStringConvertible {
    public var machine: String
    public var from: String
    public var to: String

    public init(machine: String, from: String, to: String) {
        self.machine = machine
        self.from = from
        self.to = to
    }

    public var description: String {
        let article = machine.first.map { "aeiou".contains($0) } == true ? "an" : "a"
        return "\(article) \(machine) cannot go from \(from) to \(to)"
    }

    /// The API's 409 body for this error.
    public var apiError: APIErrorBody { APIErrorBody(code: APIErrorCode.conflict, message: description, field: "state") }
}

/// Namespace for callers that prefer a function: `try StateMachine.transition(order.state, to: .paid)`.
public enum StateMachine {
    public static func transition<S: StateMachineState>(_ state: S, to next: S) throws(IllegalStateTransition) -> S {
        try state.transition(to: next)
    }
}
