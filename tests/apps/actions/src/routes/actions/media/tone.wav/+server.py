# Ten seconds of a quiet 440 Hz tone, made here so that no binary file is committed.
import io
import math
import struct
import wave

from starlette.responses import Response

RATE = 8000


def _tone() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        samples = (int(800 * math.sin(2 * math.pi * 440 * n / RATE)) for n in range(RATE * 10))
        out.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    return buffer.getvalue()


TONE = _tone()


def GET(event):
    return Response(TONE, media_type="audio/wav", headers={"cache-control": "no-store"})
