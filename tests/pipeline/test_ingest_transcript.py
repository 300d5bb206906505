from pathlib import Path

import pytest

from pipeline.config import Source
from pipeline.ingest import IngestError, ingest_source

VTT = """WEBVTT

NOTE a test meeting

1
00:00:01.000 --> 00:00:04.000
<v Chair>Welcome, everyone.

2
00:00:05.000 --> 00:00:08.000
<v Pat>The buses stop far too early.

3
00:00:08.500 --> 00:00:10.000
<v Pat>And there are none on Sundays.

4
00:00:11.000 --> 00:00:13.000
<v Officer>We are looking at that.
"""


def transcript(path: Path) -> Source:
    return Source.model_validate(
        {"path": path, "kind": "transcript", "stage": "problem", "speakers": {"Chair": "chair", "Officer": "officer"}}
    )


def test_consecutive_cues_merge_and_only_the_public_is_themed(tmp_path: Path) -> None:
    path = tmp_path / "meeting.vtt"
    path.write_text(VTT)
    got = ingest_source(transcript(path), "meeting")
    assert got.rows_read == 4
    assert got.rows_merged == 1
    assert got.rows_read == got.rows_analysed + got.rows_rejected + got.rows_merged
    assert got.responses.select("speaker", "speaker_role", "start_s", "end_s").rows() == [
        ("Chair", "chair", 1.0, 4.0),
        ("Pat", "public", 5.0, 10.0),
        ("Officer", "officer", 11.0, 13.0),
    ]
    assert got.answers.select("response_id", "text").rows() == [
        ("meeting-turn-002", "The buses stop far too early. And there are none on Sundays.")
    ]
    assert got.responses["respondent_id"][1] == "meeting:Pat"


def test_malformed_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.vtt"
    path.write_text("not a caption file\n")
    with pytest.raises(IngestError, match=r"broken\.vtt: not a readable WebVTT file"):
        ingest_source(transcript(path), "broken")


def test_a_transcript_without_cues_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.vtt"
    path.write_text("WEBVTT\n\n1\nthis is not a timing\nhello\n")
    with pytest.raises(IngestError, match=r"empty\.vtt: no speaker turns found in this vtt transcript; expected cues"):
        ingest_source(transcript(path), "e")


def test_srt_errors_give_the_right_line_in_a_windows_file(tmp_path: Path) -> None:
    path = tmp_path / "crlf.srt"
    path.write_bytes(b"1\r\n00:00:01,000 --> 00:00:02,000\r\nPat: Hello there.\r\n\r\n2\r\nnot a timing\r\nHi\r\n")
    source = Source.model_validate({"path": path, "kind": "transcript", "stage": "problem"})
    with pytest.raises(IngestError, match=r"crlf\.srt: line 5: expected a cue timing"):
        ingest_source(source, "w")
