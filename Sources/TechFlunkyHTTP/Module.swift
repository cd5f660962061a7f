// TechFlunkyHTTP
