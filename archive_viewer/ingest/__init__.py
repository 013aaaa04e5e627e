"""Documents to records: decoding, structure, people, speakers and issues. No Qt, no database."""
from .json_form import meeting_to_json
from .model import JOINT, Item, Meeting, NotAMeetingDocument, Person, Section, Statement
from .parser import parse_document, parse_text

__all__ = [
    "JOINT", "Item", "Meeting", "NotAMeetingDocument", "Person", "Section", "Statement",
    "meeting_to_json", "parse_document", "parse_text",
]
