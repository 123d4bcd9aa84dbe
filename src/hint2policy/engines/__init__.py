"""The policy engines (conftest, opa, regal, gator, kyverno): pinning, building and running."""
