import pytest
@pytest.mark.django_db
def test_render():
    exec(open("/tmp/render.py").read())
