"""The photo colorizer's sources: which packages hold colour photographs, which files in them are photos (checked by
eye: renders, drawings and paintings are left out), and under which licence each ships.

Training and tuning use TRAIN_SOURCES only. Debian plasma-workspace-wallpapers is reserved for evaluation
(training/photo/evaluate.py); it and opencv-doc never enter training or tuning.
"""
from __future__ import annotations

DEBIAN = {  # package -> pinned version (Debian bookworm)
    "gcompris-qt-data": "3.1-2",
    "lomiri-wallpapers-16.04": "20.04.0-2",
    "lomiri-wallpapers-20.04": "20.04.0-2",
    "mate-backgrounds": "1.26.0-1",
    "palapeli-data": "4:22.12.3-1",
}
EVAL_DEBIAN = {"plasma-workspace-wallpapers": "4:5.27.5-2"}
PYPI = {"scikit-image": "0.26.0", "scikit-learn": "1.9.1"}

# gcompris-qt-data: the activities whose large WebP pictures are photographs (others hold drawings and paintings)
GCOMPRIS_RCC = ["explore_monuments", "explore_world_animals", "explore_farm_animals", "explore_world_music", "erase",
                "clickgame"]
GCOMPRIS_MIN_SIDE = 500  # smaller pictures in these activities are icons
GCOMPRIS_LICENCE = "CC-BY-SA-4.0 or public domain (Wikimedia Commons; sources in each activity's README upstream)"

LOMIRI_SKIP = {"analogpattern_by_Peter_Nerlich.jpg",  # a pattern, not a photo
               "Fossa_by_Jasper_Roks.jpg", "Infinite-Sea_by_Aury88.jpg", "Painting-Colors_by__herobrine7gamer.jpg"}
MATE_DIR = "usr/share/backgrounds/mate/nature/"
PALAPELI_DIR = "usr/share/palapeli/collection/"
SKIMAGE_PHOTOS = ["astronaut.png", "chelsea.png", "coffee.png", "motorcycle_left.png", "rocket.jpg"]
SKLEARN_PHOTOS = ["china.jpg", "flower.jpg"]

# plasma-workspace-wallpapers: the wallpapers that are photographs (the rest are renders); evaluation only
PLASMA_PHOTOS = ["BytheWater", "ColdRipple", "DarkestHour", "EveningGlow", "FallenLeaf", "Grey", "Kite",
                 "OneStandsOut", "Path", "summer_1am"]  # Altai, MilkyWay, ColorfulCups: renders; Autumn: a painting
