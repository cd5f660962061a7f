// TechFlunkyClient: the service layer the terminal UI and the scripting commands use — a typed call
// for every platform endpoint (`PlatformClient`), deployment event streams that survive a broken
// connection (`DeploymentEventStream`), configuration (`ClientConfiguration`, `SessionTokenStore`).
// The server's words in errors are made terminal-safe with TechFlunkyText's `TextSanitizer`.
// May import TechFlunkyHTTP, TechFlunkyText and TechFlunkyCore.
