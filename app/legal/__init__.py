"""The pages every State website must have: accessibility, legal notice, personal data."""
