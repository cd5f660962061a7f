// TechFlunkySandbox
