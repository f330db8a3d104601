"""Large-data benchmark: dataset generator, raw baseline and load runner (`make bench`)."""
