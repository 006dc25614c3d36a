"""fairness"""
