// TechFlunkyCore: domain types and rules of the marketplace, with no I/O.
// May import Foundation only. Everything here is tested without servers.
