// TechFlunkyPlatform
