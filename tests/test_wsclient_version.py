"""``bench.wsclient`` speaks Streamlit's internal websocket protocol: on another Streamlit than the
one it was written for, a session refuses to start, in one sentence. No server is started here."""

import pytest

from bench import wsclient


@pytest.mark.parametrize("version", ["1.68.0", "1.66.2", "2.67.0"])
def test_another_streamlit_is_refused(monkeypatch, version):
    monkeypatch.setattr(wsclient, "streamlit_version", lambda: version)
    with pytest.raises(wsclient.StreamlitVersionError) as refused:
        wsclient.Session("http://127.0.0.1:8501/")
    message = str(refused.value)
    assert version in message and "1.67.x" in message
    assert message.count(". ") == 0 and message.endswith(".")  # one sentence


@pytest.mark.parametrize("version", ["1.67.0", "1.67.3"])
def test_a_patch_release_of_the_same_streamlit_is_accepted(monkeypatch, version):
    monkeypatch.setattr(wsclient, "streamlit_version", lambda: version)
    session = wsclient.Session("http://127.0.0.1:8501/")
    assert session.ws is None  # nothing connected: a session connects in ``async with``


def test_the_installed_streamlit_is_the_one_it_was_written_for():
    wsclient.check_streamlit_version()
