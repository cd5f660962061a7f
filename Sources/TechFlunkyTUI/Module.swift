// TechFlunkyTUI
