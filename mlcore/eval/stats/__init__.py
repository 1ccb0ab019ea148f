"""Statistics: the paired bootstrap engine, intervals, paired tests, multiplicity corrections."""
