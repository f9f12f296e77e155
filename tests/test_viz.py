import matplotlib

matplotlib.use("Agg")
import numpy as np
import pytest

from lstmgan_tf import viz


def test_image_grid_places_every_image_with_its_caption():
    images = np.stack([np.full((8, 8, 3), value, np.uint8) for value in (10, 20, 30, 40, 50)])
    figure = viz.image_grid(images, captions=list("abcde"), columns=3, title="epoch 2")
    (axis,) = figure.axes
    mosaic = axis.get_images()[0].get_array()
    # Two rows of three cells; each image's pixels appear whole, left to right, top to bottom.
    found = [value for value in (10, 20, 30, 40, 50) if np.sum(np.all(mosaic == value, axis=-1)) == 64]
    assert found == [10, 20, 30, 40, 50]
    rows_of = [np.nonzero(np.all(mosaic == value, axis=-1))[0].min() for value in (10, 20, 30, 40, 50)]
    assert rows_of[0] == rows_of[1] == rows_of[2] < rows_of[3] == rows_of[4]
    assert [text.get_text() for text in axis.texts] == list("abcde")
    assert figure._suptitle.get_text() == "epoch 2"
    matplotlib.pyplot.close(figure)


def test_image_grid_writes_row_labels_left_of_their_rows():
    images = np.stack([np.full((8, 8, 3), value, np.uint8) for value in (10, 20, 30, 40)])
    plain = viz.image_grid(images, columns=2)
    labelled = viz.image_grid(images, columns=2, row_labels=["first model", "second"])
    (axis,) = labelled.axes
    mosaic = axis.get_images()[0].get_array()
    assert mosaic.shape[1] > plain.axes[0].get_images()[0].get_array().shape[1]
    labels = {text.get_text(): text.get_position() for text in axis.texts}
    assert list(labels) == ["first model", "second"]
    # Each label sits left of its row's first image, at the height of that row.
    for label, value in (("first model", 10), ("second", 30)):
        rows, columns = np.nonzero(np.all(mosaic == value, axis=-1))
        x, y = labels[label]
        assert x <= columns.min() and rows.min() <= y <= rows.max()
    for figure in (plain, labelled):
        matplotlib.pyplot.close(figure)


def test_image_grid_checks_its_input():
    with pytest.raises(ValueError, match="got 2 rows of images but 1 row labels"):
        viz.image_grid(np.zeros((4, 4, 4, 3)), columns=2, row_labels=["one"])
    with pytest.raises(ValueError, match="got 2 images but 1 captions"):
        viz.image_grid(np.zeros((2, 4, 4, 3)), captions=["one"])
    with pytest.raises(ValueError, match=r"images must have shape \(N, H, W, 3\)"):
        viz.image_grid(np.zeros((2, 4, 4)))


def test_text_table_is_html_and_markdown_and_checks_its_rows():
    table = viz.TextTable([["a<b", "yes"], ["c|d", "no"]], ["pair", "right?"], title="t",
                          highlight=lambda cell: cell == "yes")
    html = table._repr_html_()
    assert "<caption>t</caption>" in html and "a&lt;b" in html
    assert '<td style="background-color: #d8f0d8">yes</td>' in html and "<td>no</td>" in html
    assert str(table).splitlines()[2:] == ["| pair | right? |", "|---|---|", "| a<b | **yes** |", "| c\\|d | no |"]
    with pytest.raises(ValueError, match="row 1 has 1 cells, but the table has 2 columns"):
        viz.TextTable([["a", "b"], ["c"]], ["x", "y"])
