import pytest


@pytest.mark.django_db
def test_missing_page_answers_a_translated_404(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and '<html lang="zh-hans">' in html
