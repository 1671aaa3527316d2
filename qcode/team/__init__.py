"""Working as a team over git: what changed since this machine last looked (``qcode status``)."""
