"""Make the check-in desk's short sounds (run once; the WAV files are committed).

Each outcome has its own pattern as well as its own pitch, so they are told apart
without perfect hearing: admitted rises, caution is one steady tone, refused falls twice.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22_050
FOLDER = Path(__file__).resolve().parents[1] / "resources" / "sounds"


def tone(freq: float, seconds: float, volume: float = 0.5) -> list[float]:
    count = int(RATE * seconds)
    fade = max(1, int(RATE * 0.01))
    samples = []
    for n in range(count):
        envelope = min(1.0, n / fade, (count - n) / fade)
        samples.append(volume * envelope * math.sin(2 * math.pi * freq * n / RATE))
    return samples


def silence(seconds: float) -> list[float]:
    return [0.0] * int(RATE * seconds)


def write(name: str, samples: list[float]) -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    with wave.open(str(FOLDER / name), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(b"".join(struct.pack("<h", int(s * 32767)) for s in samples))


write("admitted.wav", tone(660, 0.12) + tone(880, 0.18))
write("caution.wav", tone(520, 0.35))
write("refused.wav", tone(330, 0.15) + silence(0.06) + tone(247, 0.25))
