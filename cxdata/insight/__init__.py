"""Why scores move: key drivers, comment themes, pain points and alerts (issue 20)."""
