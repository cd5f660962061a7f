import Foundation
import TechFlunkyClient
import XCTest
@testable import TechFlunkyTUI

final class ThemeLoaderTests: XCTestCase {
    var repoThemes: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("themes").path
    }

    func testShippedThemesLoadWithEveryRole() throws {
        let set = ThemeLoader.loadThemes(directories: [repoThemes], selected: "light")
        XCTAssertNil(set.problem)
        XCTAssertEqual(set.themes.map(\.name), ["dark", "light", "high-contrast", "mono"])
        XCTAssertEqual(set.current.name, "light")
        for theme in set.themes {
            // The QR code has a fixed dark-on-light fallback (scanners need it); every other role is themed.
            XCTAssertEqual(Set(theme.styles.keys).subtracting([.qrCode]), Set(StyleRole.allCases).subtracting([.qrCode]), theme.name)
        }
        // The compiled-in fallback is the dark file.
        XCTAssertEqual(set.themes[0], Theme.builtinDark)
    }

    func testTheLightThemePaintsItsOwnBackgroundUnderEveryRole() throws {
        let light = try ThemeLoader.load(path: repoThemes + "/light.toml")
        let text = light.style(for: .text)
        XCTAssertNotEqual(text.bg, .terminalDefault, "light text on a dark terminal needs its own background")
        for role in [StyleRole.muted, .error, .accent, .success, .warning] {
            XCTAssertEqual(light.style(for: role).bg, text.bg, "\(role) sits on the theme's background")
        }
        XCTAssertNotEqual(light.style(for: .selection).bg, text.bg, "a role with its own background keeps it")
    }

    func testThemesAreFoundNextToTheBuiltBinaryAndInTheUserConfig() {
        let repo = URL(fileURLWithPath: repoThemes).deletingLastPathComponent()
        let dirs = ThemeLoader.searchDirectories(environment: ["XDG_CONFIG_HOME": "/cfg", "TECHFLUNKY_THEMES": "/explicit"],
                                                 executablePath: repo.appendingPathComponent(".build/debug/techflunky").path,
                                                 currentDirectory: "/nowhere")
        XCTAssertEqual(dirs, [repoThemes, "/nowhere/themes", "/explicit", "/cfg/techflunky/themes"])
    }

    func testBadThemeFileNamesFileAndKeyAndDefaultIsUsed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("themes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "name = \"neon\"\n[roles]\naccent = { fg = \"purplish\" }\n".write(to: dir.appendingPathComponent("neon.toml"), atomically: true, encoding: .utf8)
        try "[roles]\ntext = { fg = 300 }\n".write(to: dir.appendingPathComponent("big.toml"), atomically: true, encoding: .utf8)
        try "[roles\n".write(to: dir.appendingPathComponent("broken.toml"), atomically: true, encoding: .utf8)
        try "[roles]\ntext = { colour = 1 }\n".write(to: dir.appendingPathComponent("typo.toml"), atomically: true, encoding: .utf8)
        let set = ThemeLoader.loadThemes(directories: [dir.path], selected: "neon")
        let problem = try XCTUnwrap(set.problem)
        XCTAssertTrue(problem.contains("neon.toml: roles.accent.fg: unknown colour \"purplish\""), problem)
        XCTAssertTrue(problem.contains("big.toml: roles.text.fg: colour index 300"), problem)
        XCTAssertTrue(problem.contains("broken.toml: line 1"), problem)
        XCTAssertTrue(problem.contains("typo.toml: roles.text.colour: unknown key"), problem)
        XCTAssertTrue(problem.contains("No theme named \"neon\""), problem)
        XCTAssertEqual(set.current.name, "dark")
        // And the app shows it in the status bar.
        let state = AppState(width: 200, height: 20, environment: UIEnvironment(platformLabel: "t"), themes: set,
                             tabRoots: { _ in PlaceholderPane(title: "x", lines: []) })
        XCTAssertTrue(AppRenderer.render(state).text.contains("Theme problem:"))
    }

    func testColourFormsAndFallbacks() throws {
        let theme = try ThemeLoader.parse("[roles]\ntext = { fg = \"#ff0000\", bg = \"default\" }\nmuted = { fg = \"bright-black\" }\n",
                                          file: "t.toml", defaultName: "t")
        XCTAssertEqual(theme.name, "t")
        XCTAssertEqual(theme.style(for: .text).fg, .indexed(196))
        XCTAssertEqual(theme.style(for: .text).fg.basic, .indexed(1))
        XCTAssertEqual(theme.style(for: .muted).fg, .indexed(8))
        XCTAssertEqual(theme.style(for: .error), theme.style(for: .text))  // missing roles look like text
    }

    func testSettingsPrecedenceAndNoColor() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("techflunky"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "api = \"http://config:1\"\ntheme = \"mono\"\n".write(to: dir.appendingPathComponent("techflunky/config.toml"), atomically: true, encoding: .utf8)
        let env = ["XDG_CONFIG_HOME": dir.path, "HOME": dir.path, "NO_COLOR": "1"]
        // One resolution: the platform's URL is the client's, the theme and NO_COLOR the UI's bits of it.
        var config = try ClientConfiguration.resolve(apiFlag: nil, environment: env)
        var s = UISettings.resolve(theme: nil, configuration: config, environment: env)
        XCTAssertEqual(config.apiURL, "http://config:1")
        XCTAssertEqual(s.theme, "mono")
        XCTAssertTrue(s.noColor)
        XCTAssertNil(s.configProblem)
        var other = env.merging(["TECHFLUNKY_API": "http://env:2", "NO_COLOR": ""]) { $1 }
        config = try ClientConfiguration.resolve(apiFlag: nil, environment: other)
        s = UISettings.resolve(theme: "light", configuration: config, environment: other)
        XCTAssertEqual(config.apiURL, "http://env:2")
        XCTAssertEqual(s.theme, "light")
        XCTAssertFalse(s.noColor)
        other = env.merging(["TECHFLUNKY_API": "http://env:2"]) { $1 }
        config = try ClientConfiguration.resolve(apiFlag: "http://flag:3", environment: other)
        XCTAssertEqual(config.apiURL, "http://flag:3")
        XCTAssertEqual(UISettings.platformLabel(for: "http://127.0.0.1:8080/api"), "127.0.0.1:8080")
    }

    func testABrokenConfigFileIsAProblemShownWhenTheURLComesFromElsewhere() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("techflunky"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "theme = \n".write(to: dir.appendingPathComponent("techflunky/config.toml"), atomically: true, encoding: .utf8)
        let env = ["XDG_CONFIG_HOME": dir.path, "HOME": dir.path]
        let config = try ClientConfiguration.resolve(apiFlag: "http://flag:3", environment: env)
        let s = UISettings.resolve(theme: nil, configuration: config, environment: env)
        XCTAssertNil(s.theme)
        XCTAssertTrue(s.configProblem?.contains("config.toml") ?? false, s.configProblem ?? "no problem reported")
        XCTAssertThrowsError(try ClientConfiguration.resolve(apiFlag: nil, environment: env), "the URL had to come from the broken file")
    }
}
