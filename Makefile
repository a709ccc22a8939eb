.PHONY: run test lint bench demo
run:
	python3 -m streamlit run app.py
test:
	python3 -m pytest -q
lint:
	python3 -m ruff check .
demo:
	python3 -m cxdata demo
bench:
	python3 -m bench.run
