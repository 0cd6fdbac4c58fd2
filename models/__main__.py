"""`python -m models ...`: the GAN Studio command line."""
import sys

from models.cli import main

sys.exit(main())
