// TechFlunkyClient
