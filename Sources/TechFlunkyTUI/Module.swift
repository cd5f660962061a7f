// TechFlunkyTUI — the terminal UI.
//
// Responsibility: everything a person sees in the terminal. One state value (`AppState`), a pure
// `AppUpdate.update(state, message) -> [Effect]`, a pure `AppRenderer.render(state) -> Canvas`, effects run by
// `EffectRunner` on a `MarketplaceService` (TechFlunkyClient's service layer, which `PlatformClient` implements)
// whose results come back as messages, and one backend (`NCursesBackend`) that is the only code touching
// ncurses. Panes live in `Panes/` (see `PaneStack.swift` for how to add one), widgets in `Widgets/`; text
// sanitising, width, layout and formatting come from TechFlunkyText (shared with the scripting commands).
//
// May import: CNCursesW (backend only), TechFlunkyClient, TechFlunkyText, TechFlunkyCore, TOMLKit (themes).
